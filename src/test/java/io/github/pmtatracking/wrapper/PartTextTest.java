package io.github.pmtatracking.wrapper;

import static io.github.pmtatracking.wrapper.Rewritten.s;
import static io.github.pmtatracking.wrapper.Rewritten.spotsTakenOut;
import static io.github.pmtatracking.wrapper.Rewritten.withoutId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.junit.jupiter.api.Test;

/**
 * The proof behind byte-faithfulness, by round trips over many random inputs: whatever a part's
 * text is read from, encoding it unchanged gives back the same bytes; and rewriting a part whose
 * charset does not hold changes nothing but the rewritten spots.
 */
class PartTextTest {

    private static final java.util.regex.Pattern PIXEL_AT_END = java.util.regex.Pattern.compile(
            "<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"" + Rewritten.LINK + "\">\r\n\\z");
    private static final byte[] ASCII_BITS = "<p>a b</p>\t=.<a href=\"x\">".getBytes(StandardCharsets.US_ASCII);

    /** Random bytes, mostly ASCII markup, with 8-bit bytes, and CR and LF only as CRLF every so often. */
    private static byte[] randomText(Random r, int length, boolean controls) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int col = 0;
        while (out.size() < length) {
            int k = r.nextInt(10);
            if (k < 4) {
                out.write(ASCII_BITS[r.nextInt(ASCII_BITS.length)]);
            } else if (k < 7) {
                out.write(0x80 + r.nextInt(128));
            } else if (k < 9 || !controls) {
                out.write(0x20 + r.nextInt(95));
            } else {
                out.write(r.nextInt(32)); // C0 controls; a lone CR or LF included
            }
            if (++col > 60 + r.nextInt(20)) {
                out.write('\r');
                out.write('\n');
                col = 0;
            }
        }
        return out.toByteArray();
    }

    @Test
    void quotedPrintableGivesBackEveryByteItEncodedInLinesAClientReadsTheSame() throws Exception {
        Random r = new Random(1);
        for (int n = 0; n < 2000; n++) {
            byte[] bytes = randomText(r, r.nextInt(400), true);
            if (bytes.length > 0 && r.nextInt(4) == 0) {
                bytes[bytes.length - 1] = (byte) (r.nextBoolean() ? ' ' : '\t'); // a blank at the end
            }
            byte[] qp = QuotedPrintable.encode(bytes);
            assertArrayEquals(bytes, QuotedPrintable.decode(qp));
            assertArrayEquals(bytes, new QuotedPrintableInputStream(new ByteArrayInputStream(qp)).readAllBytes(),
                    "mime4j, as a client, reads the same");
            for (String line : s(qp).split("\r\n", -1)) {
                assertTrue(line.length() <= 76, line);
                assertTrue(line.isEmpty() || (line.charAt(line.length() - 1) != ' ' && line.charAt(line.length() - 1) != '\t'),
                        "no blank ends a line: " + line);
                assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\t'), "printable ASCII only: " + line);
            }
        }
    }

    @Test
    void quotedPrintableRefusesWhatItWouldHaveToGuess() {
        for (String bad : List.of("a=ZZ", "a=4", "a=4G", "a= x", "a=\nb", "a\rb", "a\nb", "=\r")) {
            assertThrowsMalformed(bad);
        }
        for (String[] good : new String[][] {{"a=\r\nb", "ab"}, {"a= \t\r\nb", "ab"}, {"a=", "a"}, {"caf=c3=A9", "caf\u00c3\u00a9"},
                {"trailing  \r\nblanks\t", "trailing\r\nblanks"}, {"kept =\r\nblank", "kept blank"}}) {
            try {
                assertEquals(good[1], s(QuotedPrintable.decode(good[0].getBytes(StandardCharsets.ISO_8859_1))), good[0]);
            } catch (QuotedPrintable.Malformed e) {
                throw new AssertionError(good[0], e);
            }
        }
    }

    private static void assertThrowsMalformed(String qp) {
        try {
            QuotedPrintable.decode(qp.getBytes(StandardCharsets.ISO_8859_1));
        } catch (QuotedPrintable.Malformed expected) {
            return;
        }
        throw new AssertionError("decoded: " + qp);
    }

    @Test
    void unchangedTextComesBackAsTheSameBytesInEveryCharsetItIsReadIn() throws Exception {
        Random r = new Random(2);
        int read = 0;
        for (Charset charset : Charset.availableCharsets().values()) {
            for (int n = 0; n < 6; n++) {
                byte[] raw = n % 2 == 0 || !charset.canEncode() ? randomText(r, 300, false)
                        : ("<p>" + "\u00e9\u3042\u4e2d\u0416 ok ".repeat(8) + "</p>").getBytes(charset);
                for (String cte : List.of("8bit", "quoted-printable", "base64")) {
                    byte[] wire = switch (cte) {
                        case "quoted-printable" -> QuotedPrintable.encode(raw);
                        case "base64" -> java.util.Base64.getMimeEncoder().encode(raw);
                        default -> raw;
                    };
                    PartText part;
                    try {
                        part = PartText.read(wire, cte, charset.name());
                    } catch (PartText.Refused e) {
                        assertFalse(PartText.asciiCompatible(charset) && e.fault != MimeFault.UNDECODABLE_PART, charset + ": " + e);
                        continue;
                    }
                    read++;
                    assertTrue(PartText.asciiCompatible(charset), charset.name());
                    byte[] back = part.encode(part.text());
                    byte[] decodedBack = switch (cte) {
                        case "quoted-printable" -> QuotedPrintable.decode(back);
                        case "base64" -> java.util.Base64.getMimeDecoder().decode(back);
                        default -> back;
                    };
                    assertArrayEquals(raw, decodedBack, charset + " " + cte + (part.bytesAsLatin1() ? " (as bytes)" : ""));
                }
            }
        }
        assertTrue(read > 1000, "parts read: " + read);
    }

    @Test
    void aRealReplacementCharacterIsTextAndABrokenSequenceIsNot() throws Exception {
        // U+FFFD written as UTF-8 is text; the decode that replaces what does not decode with it must tell the two apart
        byte[] real = "caf\u00e9 \ufffd ok?".getBytes(StandardCharsets.UTF_8);
        PartText p = PartText.read(real, "8bit", "utf-8");
        assertFalse(p.bytesAsLatin1());
        assertEquals("caf\u00e9 \ufffd ok?", p.text());
        assertArrayEquals(real, p.encode(p.text()));
        byte[] broken = {'c', 'a', 'f', (byte) 0xc3, ' ', (byte) 0xff, '?'};
        PartText q = PartText.read(broken, "8bit", "utf-8");
        assertTrue(q.bytesAsLatin1(), "not UTF-8: the bytes read as ISO-8859-1");
        assertArrayEquals(broken, q.encode(q.text()));
        PartText ascii = PartText.read("a?b".getBytes(StandardCharsets.US_ASCII), "7bit", "us-ascii");
        assertArrayEquals("a?b<x>".getBytes(StandardCharsets.US_ASCII), ascii.encode("a?b<x>"));
        assertThrowsRewriteFailed(() -> ascii.encode("a?b \u00e9"), "an '\u00e9' does not fit us-ascii (String's encoding would write '?')");
        PartText latin1 = PartText.read("x".getBytes(StandardCharsets.ISO_8859_1), "8bit", "iso-8859-1");
        assertThrowsRewriteFailed(() -> latin1.encode("x \u20ac"), "a euro sign does not fit iso-8859-1");
    }

    private interface Encoding {
        byte[] run() throws Exception;
    }

    private static void assertThrowsRewriteFailed(Encoding e, String why) {
        try {
            e.run();
        } catch (PartText.Refused r) {
            assertEquals(MimeFault.REWRITE_FAILED, r.fault, why);
            return;
        } catch (Exception other) {
            throw new AssertionError(why + ": " + other, other);
        }
        throw new AssertionError(why + ": encoded without a refusal");
    }

    @Test
    void aPartWhoseCharsetDoesNotHoldChangesOnlyAtTheRewrittenSpots() throws Exception {
        HtmlTracker tracker = new HtmlTracker(Rewritten.CODEC, Rewritten.URL, true, false, true);
        EngagementTracking tracking = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.TRACKED);
        Random r = new Random(3);
        List<String> charsets = List.of("utf-8", "us-ascii", "shift_jis", "gbk", "big5", "euc-kr", "windows-1252", "iso-8859-1");
        int wrapped = 0;
        for (int n = 0; n < 160; n++) {
            String charset = charsets.get(n % charsets.size());
            // random bytes with ASCII links in between, each in a tag of its own
            StringBuilder html = new StringBuilder("<html><body>");
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                html.append(s(randomText(r, 120, false))).append("\r\n");
                String target = "https://r.example/" + n + "/" + i + "?q=" + r.nextInt(1000);
                targets.add(target);
                html.append("<a href=\"").append(target).append("\">l</a>\r\n");
            }
            html.append("</body></html>");
            boolean qp = n % 3 == 0;
            byte[] body = html.toString().getBytes(StandardCharsets.ISO_8859_1);
            String mail = "Subject: r\r\nContent-Type: text/html; charset=" + charset + "\r\nContent-Transfer-Encoding: "
                    + (qp ? "quoted-printable" : "8bit") + "\r\n\r\n" + s(qp ? QuotedPrintable.encode(body) : body) + "\r\n";
            String out = withoutId(s(tracking.rewrite(mail.getBytes(StandardCharsets.ISO_8859_1), List.of("r@example.com"))));
            String outBody = out.substring(out.indexOf("\r\n\r\n") + 4);
            String decoded = qp ? s(QuotedPrintable.decode(outBody.substring(0, outBody.length() - 2).getBytes(StandardCharsets.ISO_8859_1)))
                    + "\r\n" : outBody;
            // the pixel's line end is CRLF in 8bit, as on the wire; appended at the very end, its line end is the part's own
            String restored = spotsTakenOut(PIXEL_AT_END.matcher(decoded).replaceFirst("\r\n")
                    .replace("\">\r\n</body>", "\"></body>").replace("\">\n</body>", "\"></body>"));
            String expected = s(body) + "\r\n";
            int at = 0;
            while (at < Math.min(expected.length(), restored.length()) && expected.charAt(at) == restored.charAt(at)) {
                at++;
            }
            assertEquals(expected, restored, charset + (qp ? " quoted-printable" : " 8bit") + " differs at " + at + ": "
                    + escape(expected.substring(Math.max(0, at - 40), Math.min(expected.length(), at + 40))) + " vs "
                    + escape(restored.substring(Math.max(0, at - 40), Math.min(restored.length(), at + 40))));
            wrapped += Rewritten.links(decoded).size();
        }
        // random markup can swallow a link (an open quote, a comment start); most are tracked
        assertTrue(wrapped > 160 * 3, "links and pixels tracked: " + wrapped);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
