package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The PATCH body as the application's own ObjectMapper reads it: JSON Merge Patch, three states per field. */
@QuarkusTest
class EndpointPatchTest {

    @Inject
    ObjectMapper json;

    private EndpointPatch read(String body) throws Exception {
        return json.readValue(body, EndpointPatch.class);
    }

    @Test
    void aFieldLeftOutIsKeptANullOneClearedAndAValueReplaces() throws Exception {
        EndpointPatch patch = read("{\"description\": null, \"event_types\": [\"order.done\"], \"enabled\": false}");

        assertNull(patch.url(), "left out");
        assertEquals("https://kept.example/x", EndpointPatch.merged(patch.url(), "https://kept.example/x"));
        assertEquals(Optional.empty(), patch.description(), "null");
        assertNull(EndpointPatch.merged(patch.description(), "old description"));
        assertEquals(List.of("order.done"), EndpointPatch.merged(patch.eventTypes(), null));
        assertEquals(Boolean.FALSE, EndpointPatch.merged(patch.enabled(), Boolean.TRUE));
    }

    @Test
    void fieldsThatCannotBeChangedAreCollectedToBeRefused() throws Exception {
        EndpointPatch patch = read("{\"include_secrets\": true, \"url\": \"https://127.0.0.1:9/b\"}");

        assertEquals(Set.of("include_secrets"), patch.others().keySet());
        assertEquals(Optional.of("https://127.0.0.1:9/b"), patch.url());
    }
}
