package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MimeStructureTest {

    /** The header grammar as it was written first, with regular expressions: the hand scan must agree with it. */
    private static Map<String, String> byRegex(byte[] m, int start, int end) {
        String block = new String(m, start, end - start, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]", " ");
        Map<String, String> fields = new HashMap<>();
        for (String line : block.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void foldedFieldsAreUnfoldedAndTheFirstOfANameWins() {
        byte[] m = b("Content-Type: multipart/alternative;\r\n\tboundary=\"b1\"\r\nX-A: one\r\nx-a: two\r\nSubject:  hi \r\n\r\nbody");
        int end = MimeStructure.headerEnd(m, 0, m.length);
        Map<String, String> h = MimeStructure.headers(m, 0, end);
        assertEquals("multipart/alternative; boundary=\"b1\"", h.get("content-type"));
        assertEquals("one", h.get("x-a"));
        assertEquals("hi", h.get("subject"));
        assertEquals(byRegex(m, 0, end), h);
    }

    @Test
    void bareLineFeedsCarriageReturnsAndLinesWithoutColonsReadAsTheRegularExpressionsReadThem() {
        String[] blocks = {
            "A: 1\nB: 2\n folded\n", "A: 1\r\r\nB:\r\n \r\n", ":no name\r\nC: x\r", "D: a\rb\r\n\tc\n\t\td\n", "no colon\r\n\r\n",
            "E: \u00e9t\u00e9\r\n F\r\n", " leading fold: x\r\nG: y", "",
        };
        for (String s : blocks) {
            byte[] m = b(s);
            assertEquals(byRegex(m, 0, m.length), MimeStructure.headers(m, 0, m.length), s);
        }
    }

    @Test
    void randomHeaderBlocksReadAlike() {
        Random random = new Random(42);
        String alphabet = "ab:  \t\r\n\n\r\nX-Y:;=\"\u00ff";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(60);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] m = b(sb.toString());
            int from = m.length == 0 ? 0 : random.nextInt(m.length);
            assertEquals(byRegex(m, from, m.length), MimeStructure.headers(m, from, m.length), sb.toString());
        }
    }
}
