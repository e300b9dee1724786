package io.orderrelay.problem;

/** The {@code limit} query parameter of every paginated list: 1 to 500, 50 when absent. */
public final class PageLimit {

    public static final int DEFAULT = 50;
    public static final int MAX = 500;

    private PageLimit() {
    }

    /** Parses the raw parameter (a String, so that "abc" is our 400 and not the framework's 404). */
    public static int parse(String value) {
        if (value == null) {
            return DEFAULT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("limit", "must be a whole number from 1 to " + MAX);
    }
}
