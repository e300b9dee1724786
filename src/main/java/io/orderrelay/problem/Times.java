package io.orderrelay.problem;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Times given by callers: RFC 3339 with an offset, years 0001 to 9999 (RFC 3339's own range, well inside
 * PostgreSQL's), so that no accepted time can fail in the database.
 */
public final class Times {

    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
    private static final String MESSAGE = "must be an RFC 3339 time between years 0001 and 9999, such as 2026-11-25T10:00:00Z";

    private Times() {
    }

    /** The time, null when {@code value} is null; 400 naming {@code field} otherwise. */
    public static Instant parse(String field, String value) {
        if (value == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(field, MESSAGE);
        }
        if (!inRange(at)) {
            throw ProblemException.badRequest(field, MESSAGE);
        }
        return at;
    }

    public static boolean inRange(Instant at) {
        return !at.isBefore(MIN) && !at.isAfter(MAX);
    }
}
