package io.orderrelay.problem;

/**
 * What a text value from a caller may contain. PostgreSQL refuses NUL in text and jsonb and lone surrogates in jsonb,
 * and control characters have no business in ids, references or names (they forge log lines and break headers), so
 * every string that enters, in a body, a query, a path or a header, is held to this rule.
 */
public final class Text {

    public static final String CONTROL_MESSAGE = "must not contain control characters (U+0000 to U+001F, U+007F to U+009F)";
    public static final String UNICODE_MESSAGE = "must be valid Unicode (no unpaired surrogate)";

    private Text() {
    }

    /** Null when {@code value} is acceptable, else the reason it is not. */
    public static String problem(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return CONTROL_MESSAGE;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return UNICODE_MESSAGE;
            }
        }
        return null;
    }

    /** {@code name} with its control characters replaced, fit to be echoed as a field name. */
    public static String printable(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), 64));
        name.codePoints().limit(64).forEach(c -> out.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.SURROGATE ? '?' : c));
        return out.toString();
    }
}
