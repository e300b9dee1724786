package io.orderrelay.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonAnySetter;

/**
 * The body of {@code PATCH .../webhook-endpoints/{id}}, read as a JSON Merge Patch (RFC 7396). Each field has three
 * states, which Jackson tells apart for {@code Optional} properties: left out (Java {@code null}: kept as it is),
 * JSON {@code null} ({@code Optional.empty()}: cleared; for {@code event_types} that means every event), or a value.
 * Any other field is collected in {@code others} and refused: only these four can be changed.
 */
public record EndpointPatch(Optional<String> url, Optional<String> description, Optional<List<String>> eventTypes,
        Optional<Boolean> enabled, @JsonAnySetter Map<String, Object> others) {

    public EndpointPatch {
        others = others == null ? new LinkedHashMap<>() : others;
    }

    /** The patched value: {@code current} when the field was left out, else the new value (null when cleared). */
    static <T> T merged(Optional<T> field, T current) {
        return field == null ? current : field.orElse(null);
    }

    /** Whether the patch points the endpoint somewhere else or turns it on or off. */
    boolean redirects() {
        return url != null || enabled != null;
    }
}
