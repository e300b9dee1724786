package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
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

        assertInstanceOf(Patch.Absent.class, patch.url());
        assertEquals("https://kept.example/x", patch.url().merged("https://kept.example/x"));
        assertInstanceOf(Patch.Null.class, patch.description());
        assertNull(patch.description().merged("old description"));
        assertEquals(List.of("order.done"), patch.eventTypes().merged(null));
        assertEquals(Boolean.FALSE, patch.enabled().merged(Boolean.TRUE));
    }

    @Test
    void fieldsThatCannotBeChangedAreCollectedToBeRefused() throws Exception {
        EndpointPatch patch = read("{\"include_secrets\": true, \"url\": \"https://127.0.0.1:9/b\"}");

        assertEquals(Set.of("include_secrets"), patch.others().keySet());
        assertEquals(new Patch.Value<>("https://127.0.0.1:9/b"), patch.url());
    }
}
