package io.github.pmtatracking.tracker;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request header's text as the client wrote it. Netty reads header bytes one char per byte
 * (ISO-8859-1, as RFC 9110 5.5 allows), so a User-Agent sent in UTF-8, as browsers and apps with
 * non-ASCII names send it, arrives as mojibake. Bytes that form valid UTF-8 are read as UTF-8;
 * anything else is kept as the one-char-per-byte text, so nothing is lost either way.
 */
final class HeaderText {

    private HeaderText() {
    }

    static String decode(String latin1) {
        int i = 0;
        while (i < latin1.length() && latin1.charAt(i) < 0x80) {
            i++;
        }
        if (i == latin1.length()) {
            return latin1; // ASCII, nearly always: nothing to do
        }
        byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return latin1;
        }
    }
}
