package io.orderrelay.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.orderrelay.order.OrderState;

/**
 * The lease claim writes OrderState.UNTRACKABLE into its SQL so that PostgreSQL can use the partial index
 * orders_trackable; the index (a migration, never edited) must list the same states, or the claim stops using it.
 */
class TrackableStatesTest {

    @Test
    void theClaimExcludesExactlyTheStatesTheTrackableIndexExcludes() throws IOException {
        String migration = Files.readString(Path.of("db/migration/V2__Create_tracking_leases.sql"));
        Matcher index = Pattern.compile("create index orders_trackable.*?state not in \\(([^)]*)\\)", Pattern.DOTALL)
                .matcher(migration);
        assertTrue(index.find(), "orders_trackable not found in V2");
        Set<String> indexed = new TreeSet<>();
        Matcher name = Pattern.compile("'([A-Za-z]+)'").matcher(index.group(1));
        while (name.find()) {
            indexed.add(name.group(1));
        }
        assertEquals(indexed, new TreeSet<>(OrderState.UNTRACKABLE));
    }
}
