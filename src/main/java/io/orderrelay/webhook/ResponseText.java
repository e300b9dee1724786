package io.orderrelay.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Makes what a receiver sent (answer bytes, or an error message quoting them) storable and readable: invalid UTF-8
 * and control characters (NUL first: PostgreSQL text refuses it) become U+FFFD, and the length is capped. Receivers
 * are outside our control, so nothing they send may make recording an attempt fail.
 */
final class ResponseText {

    static final char REPLACEMENT = '\uFFFD';

    private ResponseText() {
    }

    /** The first bytes of an answer as text: at most {@code maxChars} characters, null when empty. */
    static String excerpt(byte[] bytes, int length, int maxChars) {
        if (bytes == null || length <= 0) {
            return null;
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            decoded = String.valueOf(REPLACEMENT); // cannot happen with REPLACE
        }
        return clean(decoded, maxChars);
    }

    /** Any text (an error message may quote the answer): control characters replaced, at most {@code maxChars}. */
    static String clean(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars));
        for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f;
            boolean loneSurrogate = Character.isHighSurrogate(c)
                    ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
            out.append(control || loneSurrogate ? REPLACEMENT : c);
        }
        // never end on half a surrogate pair
        if (!out.isEmpty() && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            out.setCharAt(out.length() - 1, REPLACEMENT);
        }
        return out.toString();
    }
}
