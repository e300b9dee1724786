package io.orderrelay.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code PATCH .../webhook-endpoints/{id}}, read as a JSON Merge Patch (RFC 7396): each field is a
 * {@link Patch}, left out (kept), null (cleared; for {@code event_types} that means every event) or a value. Any other
 * field is collected in {@code others} and refused: only these four can be changed.
 */
public record EndpointPatch(Patch<String> url, Patch<String> description, Patch<List<String>> eventTypes,
        Patch<Boolean> enabled, @JsonAnySetter @Schema(hidden = true) Map<String, Object> others) {

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
