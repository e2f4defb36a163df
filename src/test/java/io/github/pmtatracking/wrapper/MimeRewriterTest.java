package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.junit.jupiter.api.Test;

class MimeRewriterTest {

    private static final LinkCodec CODEC = LinkCodec.unsigned();
    private static final Pattern TRACKED = Pattern.compile("http://t\\.example/[A-Za-z0-9_=-]+");
    private final HtmlTracker tracker = new HtmlTracker(CODEC, "http://t.example", true, false, true);
    private final EngagementTracking tracking = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.TRACKED);

    private static byte[] crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<DecodedLink> links(String text) throws Exception {
        List<DecodedLink> out = new ArrayList<>();
        Matcher m = TRACKED.matcher(text);
        while (m.find()) {
            out.add(CODEC.decodeUrl(m.group()));
        }
        return out;
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void theExampleMessageGetsAnIdTrackedLinksAndAPixelAndNothingElseChanges() throws Exception {
        byte[] in = crlf(Files.readString(Path.of("src/test/resources/example.eml")));
        String out = s(tracking.rewrite(in, List.of("bob@example.com")));
        String original = s(in);
        // headers: the same, in the same order, plus X-Sp-Message-Id as the last one
        int headersEnd = original.indexOf("\r\n\r\n");
        String id = out.substring(headersEnd + 2 + "X-Sp-Message-Id: ".length(), headersEnd + 2 + "X-Sp-Message-Id: ".length() + 20);
        assertTrue(id.matches("0000[0-9a-f]{16}"), id);
        assertEquals(original.substring(0, headersEnd + 2) + "X-Sp-Message-Id: " + id + "\r\n", out.substring(0, headersEnd + 2 + 39));
        // the text/plain part and the boundaries, byte for byte
        String delimiter = "\r\n--D7F------------D7FD5A0B8AB9C65CCDBFA872\r\n";
        int first = original.indexOf(delimiter);
        String plain = original.substring(first, original.indexOf(delimiter, first + 1) + delimiter.length());
        assertTrue(plain.contains("Content-Type: text/plain"));
        assertTrue(out.contains(plain), "the text/plain part and its delimiters are unchanged");
        assertTrue(out.endsWith("--D7F------------D7FD5A0B8AB9C65CCDBFA872--"));
        List<DecodedLink> links = links(out);
        int hrefs = original.split("href=\"http", -1).length - 1;
        assertEquals(20, hrefs);
        assertEquals(hrefs + 1, links.size(), "every http(s) link and the open pixel");
        for (DecodedLink l : links) {
            assertEquals(id, l.link().messageId());
            assertEquals("bob@example.com", l.link().rcptTo());
        }
        for (String line : out.split("\r\n")) {
            assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 998, "line of " + line.length());
        }
    }

    @Test
    void anExistingMessageIdIsKept() throws Exception {
        byte[] in = crlf("X-Sp-Message-Id: 0000111122223333aaaa\nContent-Type: text/html\n\n<a href=\"https://a.example/\">a</a>\n");
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        assertEquals(1, out.split("X-Sp-Message-Id").length - 1);
        assertEquals("0000111122223333aaaa", links(out).get(0).link().messageId());
    }

    @Test
    void quotedPrintableHtmlInNestedMultipartIsDecodedRewrittenAndEncodedAgain() throws Exception {
        String msg = "From: a@example.com\nContent-Type: multipart/mixed; boundary=outer\n\npreamble stays\n"
                + "--outer\nContent-Type: multipart/alternative; boundary=\"inner\"\n\n"
                + "--inner\nContent-Type: text/plain\n\nplain https://a.example/ stays\n"
                + "--inner\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "<html><body><a href=3D\"https://a.example/l?q=3D1\">caf=C3=A9</a> and a very long line that goes on and=\n"
                + " on</body></html>\n"
                + "--inner--\n"
                + "--outer\nContent-Type: message/rfc822\n\nContent-Type: text/html\n\n<a href=\"https://inner.example/\">x</a>\n"
                + "--outer\nContent-Type: text/x-amp-html\n\n<a href=\"https://amp.example/\">amp</a>\n"
                + "--outer--\nepilogue stays\n";
        byte[] in = crlf(msg);
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        assertTrue(out.contains("preamble stays\r\n--outer\r\n"));
        assertTrue(out.contains("plain https://a.example/ stays\r\n--inner\r\n"));
        assertTrue(out.contains("<a href=\"https://inner.example/\">x</a>"), "message/rfc822 untouched");
        assertTrue(out.contains("<a href=\"https://amp.example/\">amp</a>"), "AMP untouched");
        assertTrue(out.endsWith("--outer--\r\nepilogue stays\r\n"));
        String qp = out.substring(out.indexOf("quoted-printable\r\n\r\n") + 20, out.indexOf("\r\n--inner--"));
        for (String line : qp.split("\r\n")) {
            assertTrue(line.length() <= 76, "QP line of " + line.length());
        }
        String html = new String(new QuotedPrintableInputStream(new ByteArrayInputStream(qp.getBytes(StandardCharsets.US_ASCII)))
                .readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(html.contains("caf\u00e9</a> and a very long line that goes on and on"), html);
        assertEquals("https://a.example/l?q=1", links(html).get(0).link().targetUrl());
        assertEquals(2, links(html).size(), "the link and the open pixel");
    }

    @Test
    void base64HtmlInItsOwnCharsetIsReencodedTheSameWay() throws Exception {
        byte[] html = "<p>d\u00e9j\u00e0 vu</p><a href=\"https://a.example/\">x</a>".getBytes(StandardCharsets.ISO_8859_1);
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes()).encodeToString(html);
        byte[] in = crlf("Content-Type: text/html; charset=ISO-8859-1\nContent-Transfer-Encoding: base64\n\n" + b64 + "\n");
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        String body = out.substring(out.indexOf("\r\n\r\n") + 4).trim();
        for (String line : body.split("\r\n")) {
            assertTrue(line.length() <= 76, "base64 line of " + line.length());
        }
        String decoded = new String(Base64.getMimeDecoder().decode(body), StandardCharsets.ISO_8859_1);
        assertTrue(decoded.startsWith("<p>d\u00e9j\u00e0 vu</p><a href=\"http://t.example/"), decoded);
    }

    @Test
    void aLineTheSenderWroteWithinTheLimitIsNeverCutAndALongerOneIs() throws Exception {
        String within = "<p>" + "word ".repeat(198) + "</p>"; // 997 octets: legal, and past the old cut at 990
        String beyond = "<p>" + "word ".repeat(240) + "</p>";
        byte[] in = crlf("Content-Type: text/html\n\n<a href=\"https://a.example/\">a</a>\n" + within + "\n" + beyond + "\n");
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        assertTrue(out.contains("\r\n" + within + "\r\n"), "the line within the limit as written");
        assertFalse(out.contains(beyond), "the line past 998 octets is broken");
        for (String line : out.split("\r\n")) {
            assertTrue(line.length() <= 998, "line of " + line.length());
        }
    }

    @Test
    void quotedPrintableComesOutWithOnlyCrlfLineEndsAndDecodesToEveryByteItHad() throws Exception {
        // a bare CR and a bare LF, escaped: written raw, the wire would make them CRLF
        String qp = "<html><body>a=0Db=0Ac =3D=20\n<a href=3D\"https://a.example/\">a</a></body></html>";
        byte[] in = crlf("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp + "\n");
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        String body = out.substring(out.indexOf("\r\n\r\n") + 4);
        assertFalse(body.matches("(?s).*(\r(?!\n)|(?<!\r)\n).*"), "no bare CR or LF: " + body);
        String html = s(new QuotedPrintableInputStream(new ByteArrayInputStream(body.trim().getBytes(StandardCharsets.US_ASCII)))
                .readAllBytes());
        assertTrue(html.startsWith("<html><body>a\rb\nc = \r\n<a href=\"http://t.example/"), html);
    }

    @Test
    void severalRecipientsAreTrackedAtMessageLevelOrPassedOnUntouched() throws Exception {
        byte[] in = crlf("Content-Type: text/html\n\n<a href=\"https://a.example/\">a</a>\n");
        String out = s(tracking.rewrite(in, List.of("a@example.com", "b@example.com")));
        assertEquals("", links(out).get(0).link().rcptTo());
        EngagementTracking untracked = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.UNTRACKED);
        assertArrayEquals(in, untracked.rewrite(in, List.of("a@example.com", "b@example.com")));
    }

    @Test
    void aMessageWithoutAHeaderBlockGoesOnUnchangedAndIsCounted() {
        byte[] noBlankLine = crlf("Subject: x\nContent-Type: text/html");
        byte[] noHeaders = crlf("<html>no header block</html>\n<p>at all</p>\n");
        assertArrayEquals(noBlankLine, tracking.rewrite(noBlankLine, List.of("r@example.com")));
        assertArrayEquals(noHeaders, tracking.rewrite(noHeaders, List.of("r@example.com")));
        assertEquals(2, tracking.unparseable());
        assertThrows(MimeRewriter.MimeProblem.class, () -> new MimeRewriter().rewrite(noBlankLine, "m", id -> (h, latin1) -> h));
    }

    @Test
    void aBrokenBodyStillGetsTheIdAndEachFaultIsCountedByReason() throws Exception {
        byte[] noBoundary = crlf("Content-Type: multipart/mixed\n\nbody\n");
        String out = s(tracking.rewrite(noBoundary, List.of("r@example.com")));
        assertTrue(out.startsWith("Content-Type: multipart/mixed\r\nX-Sp-Message-Id: "), out);
        assertEquals(1, tracking.faults(MimeFault.BROKEN_MULTIPART));
        assertEquals(0, tracking.unparseable());
        MimeRewriter.Result r = new MimeRewriter().rewrite(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                + "Content-Type: text/html; charset=utf-16\nContent-Transfer-Encoding: base64\n\n/v8APA==\n"
                + "--b\nContent-Type: text/html; charset=no-such\n\n<p>x</p>\n"
                + "--b\nContent-Type: text/html\n\n<p>caf\u00e9</p>\n--b--\n"), "m", id -> (h, latin1) -> h + "<!-- -->");
        assertEquals(List.of(MimeFault.UNSAFE_CHARSET, MimeFault.UNKNOWN_CHARSET, MimeFault.WRONG_CHARSET),
                r.faults().stream().map(MimeRewriter.Fault::fault).toList());
        assertEquals(1, r.trackedParts(), "the wrong-charset part is still rewritten");
    }

    @Test
    void aPartOverTheSizeLimitGoesOnAsReceivedAndOneAtItIsTracked() {
        String html = "<html><body><a href=\"https://a.example/\">a</a></body></html>\r\n";
        String head = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n";
        byte[] in = (head + html + "--b\r\nContent-Type: text/html\r\n\r\n" + html + html + "--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        int atLimit = html.length() - 2; // a part's size is its content, without its last line end
        EngagementTracking limited = new EngagementTracking(tracker, null, EngagementTracking.MultiRecipient.TRACKED, atLimit);
        String out = s(limited.rewrite(in, List.of("r@example.com")));
        assertEquals(1, TRACKED.matcher(out).results().count() - 1, "the first part's link wrapped (one more: its pixel): " + out);
        assertTrue(out.contains(html + html + "--b--"), "the second part, twice the size, as received: " + out);
        assertEquals(1, limited.faults(MimeFault.TOO_LARGE));
        EngagementTracking unlimited = new EngagementTracking(tracker, null, EngagementTracking.MultiRecipient.TRACKED, 0);
        assertEquals(5, TRACKED.matcher(s(unlimited.rewrite(in, List.of("r@example.com")))).results().count(),
                "no limit: both parts tracked, the second with its two links and one pixel");
        assertEquals(0, unlimited.faults(MimeFault.TOO_LARGE));
    }

    @Test
    void messageIdsHaveTheOriginalsForm() {
        String id = MessageIds.next();
        assertTrue(id.matches("0000[0-9a-f]{16}"), id);
        long t = System.currentTimeMillis() / 1000;
        long le = Long.parseLong(id.substring(10, 12) + id.substring(8, 10) + id.substring(6, 8) + id.substring(4, 6), 16);
        assertTrue(Math.abs(le - t) < 5, "time little-endian: " + le + " vs " + t);
    }
}
