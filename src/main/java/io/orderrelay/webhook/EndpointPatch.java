package io.orderrelay.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code PATCH .../webhook-endpoints/{id}}, read as a JSON Merge Patch (RFC 7396): each field is a
 * {@link Patch}, left out (kept), null (cleared; for {@code event_types} that means every event) or a value. Any other
 * field is collected in {@code others} and refused: only these four can be changed.
 */
@Schema(description = "JSON Merge Patch of a webhook endpoint: only the fields sent change; no other field is accepted")
public record EndpointPatch(
        @Schema(implementation = String.class, format = "uri", description = "https URL") Patch<String> url,
        @Schema(implementation = String.class, nullable = true, description = "null clears it") Patch<String> description,
        @Schema(type = SchemaType.ARRAY, implementation = String.class, nullable = true,
                description = "Event types (order.<state>, order.*, webhook.test); null: every event") Patch<List<String>> eventTypes,
        @Schema(implementation = Boolean.class) Patch<Boolean> enabled,
        @JsonAnySetter @Schema(hidden = true) Map<String, Object> others) {

    public EndpointPatch {
        // whichever way a left-out field arrives, it is Absent
        url = url == null ? Patch.absent() : url;
        description = description == null ? Patch.absent() : description;
        eventTypes = eventTypes == null ? Patch.absent() : eventTypes;
        enabled = enabled == null ? Patch.absent() : enabled;
        others = others == null ? new LinkedHashMap<>() : others;
    }

    /** Whether the patch points the endpoint somewhere else or turns it on or off. */
    boolean redirects() {
        return url.present() || enabled.present();
    }
}
