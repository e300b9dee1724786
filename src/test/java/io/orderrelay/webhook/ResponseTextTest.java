package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ResponseTextTest {

    @Test
    void nulAndControlCharactersBecomeReplacementCharacters() {
        assertEquals("a\uFFFDb\uFFFDc\uFFFDd\te\nf", ResponseText.clean("a\u0000b\u0001c\u007fd\te\nf", 100));
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        byte[] bytes = {'o', 'k', (byte) 0xff, (byte) 0xc3, ' ', 0};
        assertEquals("ok\uFFFD\uFFFD \uFFFD", ResponseText.excerpt(bytes, bytes.length, 100));
    }

    @Test
    void theLengthIsCappedWithoutSplittingASurrogatePair() {
        assertEquals("abc", ResponseText.clean("abcdef", 3));
        assertEquals("a\uFFFD", ResponseText.clean("a\uD83D\uDE00", 2));
        assertEquals("\uD83D\uDE00", ResponseText.clean("\uD83D\uDE00x", 2));
        assertEquals("\uFFFDx", ResponseText.clean("\uDE00x", 2));
        byte[] emoji = "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        // a multi-byte character cut by the byte limit is one replacement character, not an error
        assertEquals("\uFFFD", ResponseText.excerpt(emoji, 2, 10));
    }

    @Test
    void nothingIsNull() {
        assertNull(ResponseText.excerpt(new byte[0], 0, 10));
        assertNull(ResponseText.clean(null, 10));
    }
}
