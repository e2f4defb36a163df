package io.github.pmtatracking.wrapper;

import static io.github.pmtatracking.wrapper.Rewritten.crlf;
import static io.github.pmtatracking.wrapper.Rewritten.links;
import static io.github.pmtatracking.wrapper.Rewritten.s;
import static io.github.pmtatracking.wrapper.Rewritten.spotsTakenOut;
import static io.github.pmtatracking.wrapper.Rewritten.withoutId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An HTML part whose bytes do not come back the same way they came in (broken transfer encoding,
 * a charset that is unknown or not a superset of ASCII, bytes foreign to an ASCII-compatible charset)
 * is never rewritten with replacement characters: it goes on as received, or, where only the charset
 * is wrong, is tracked on its bytes with every other byte kept.
 */
class UndecodablePartsTest {

    private static final String HTML = "<html><body><p>Hi</p><a href=\"https://a.example/x\">x</a></body></html>";

    private final HtmlTracker tracker = new HtmlTracker(Rewritten.CODEC, Rewritten.URL, true, false, true);
    private final EngagementTracking tracking = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.TRACKED);

    private static String b64(byte[] bytes) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes);
    }

    private static String part(String contentType, String cte, String body) {
        return "From: a@example.com\nSubject: s\nContent-Type: " + contentType + "\n"
                + (cte == null ? "" : "Content-Transfer-Encoding: " + cte + "\n") + "\n" + body + "\n";
    }

    static Stream<Arguments> relayedAsReceived() {
        String good = b64(HTML.getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("invalid base64", part("text/html; charset=utf-8", "base64",
                        good.substring(0, 20) + "*!" + good.substring(20))),
                Arguments.of("base64 with trailing garbage", part("text/html; charset=utf-8", "base64",
                        good + "\n\n-- \nsent from my phone")),
                Arguments.of("base64 with data after its padding", part("text/html; charset=utf-8", "base64",
                        b64("<p>a</p>".getBytes(StandardCharsets.US_ASCII)) + "\n" + good)),
                Arguments.of("quoted-printable with a bad escape", part("text/html; charset=utf-8", "quoted-printable",
                        "<html><body>caf=ZZ <a href=3D\"https://a.example/\">a</a></body></html>")),
                Arguments.of("quoted-printable with a broken soft line break", part("text/html; charset=utf-8", "quoted-printable",
                        "<html><body>a long line= and more\n<a href=3D\"https://a.example/\">a</a></body></html>")),
                Arguments.of("an unknown charset", part("text/html; charset=x-no-such-charset", "8bit", HTML)),
                Arguments.of("an illegal charset name", part("text/html; charset=\"utf 8\"", "8bit", HTML)),
                Arguments.of("UTF-16 in base64", part("text/html; charset=utf-16", "base64",
                        b64(HTML.getBytes(StandardCharsets.UTF_16)))),
                Arguments.of("UTF-16LE in 8bit", part("text/html; charset=utf-16le", "8bit",
                        new String(HTML.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.ISO_8859_1))),
                Arguments.of("ISO-2022-JP in 7bit", part("text/html; charset=iso-2022-jp", "7bit",
                        new String(("<html><body>\u65e5\u672c<a href=\"https://a.example/\">\u8a9e</a></body></html>")
                                .getBytes(Charset.forName("ISO-2022-JP")), StandardCharsets.ISO_8859_1))),
                Arguments.of("an unknown transfer encoding", part("text/html; charset=utf-8", "x-uuencode", HTML)),
                Arguments.of("NUL bytes that are no text in the declared charset", part("text/html; charset=utf-8", "8bit",
                        "<html><body>\u0000\u00ff\u0000<a href=\"https://a.example/\">a</a></body></html>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relayedAsReceived")
    void aPartThatDoesNotDecodeGoesOnAsReceivedWithTheMessageId(String name, String mail) throws Exception {
        byte[] in = crlf(mail);
        String out = s(tracking.rewrite(in, List.of("r@example.com")));
        assertEquals(s(in), withoutId(out), "every byte but the added header as received");
        assertTrue(links(out).isEmpty(), "nothing tracked in it");
    }

    @Test
    void thePartsBesideAnUndecodableOneAreStillTracked() throws Exception {
        String bad = "--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                + "PGEgaHJlZj0iaHR0cHM6Ly9iYWQuZXhhbXBsZS8iPmJhZDwvYT4*\n";
        String mail = "From: a@example.com\nContent-Type: multipart/alternative; boundary=b\n\n"
                + "--b\nContent-Type: text/html\n\n<a href=\"https://good.example/\">good</a>\n" + bad + "--b--\n";
        String out = withoutId(s(tracking.rewrite(crlf(mail), List.of("r@example.com"))));
        assertTrue(out.contains(s(crlf(bad))), "the bad part byte for byte");
        assertEquals("https://good.example/", links(out).get(0).link().targetUrl());
    }

    // ------------------------------------------------------------------------------ wrong charset

    static Stream<Arguments> wrongCharset() {
        // Latin-1 bytes in parts that say utf-8 (or say nothing: us-ascii), and a UTF-8 sequence cut short
        String latin1 = "<html><body><p>caf\u00e9 cr\u00e8me</p><a href=\"https://a.example/ok?q=1\">ok</a>"
                + "<a href=\"https://a.example/caf\u00e9\">non-ASCII source</a></body></html>";
        String truncated = "<html><body><a href=\"https://a.example/ok\">ok</a><p>\u00c3</p></body></html>";
        String undeclared = "<html><body><p>\u00c3\u00a9</p><a href=\"https://a.example/ok\">ok</a>"
                + "<a href=\"https://a.example/\u00c3\u00a9\">non-ASCII source</a></body></html>";
        return Stream.of(
                Arguments.of("Latin-1 in utf-8, 8bit", part("text/html; charset=utf-8", "8bit", latin1)),
                Arguments.of("UTF-8 cut short, 8bit", part("text/html; charset=UTF-8", "8bit", truncated)),
                Arguments.of("UTF-8 in a part with no charset", part("text/html", null, undeclared)),
                Arguments.of("UTF-8 in us-ascii", part("text/html; charset=us-ascii", "7bit", undeclared)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongCharset")
    void aPartInTheWrongCharsetIsTrackedOnItsBytesAndNothingElseChanges(String name, String mail) throws Exception {
        byte[] in = crlf(mail);
        String out = withoutId(s(tracking.rewrite(in, List.of("r@example.com"))));
        assertTrue(links(out).get(0).link().targetUrl().startsWith("https://a.example/ok"), out);
        assertEquals(2, links(out).size(), "the ASCII link and the open pixel; a link with 8-bit bytes is left as written");
        assertEquals(s(in), spotsTakenOut(out), "byte for byte outside the rewritten spots");
    }

    @Test
    void aQuotedPrintablePartInTheWrongCharsetIsTrackedAndDecodesToTheSameBytes() throws Exception {
        String qp = "<html><body><p>caf=E9 =\nsoft</p><a href=3D\"https://a.example/ok\">ok</a></body></html>";
        byte[] in = crlf(part("text/html; charset=utf-8", "quoted-printable", qp));
        String out = withoutId(s(tracking.rewrite(in, List.of("r@example.com"))));
        String body = out.substring(out.indexOf("\r\n\r\n") + 4);
        // decoded by mime4j, as a client would
        String decoded = s(new QuotedPrintableInputStream(new ByteArrayInputStream(body.trim().getBytes(StandardCharsets.ISO_8859_1)))
                .readAllBytes());
        assertFalse(decoded.contains("\ufffd") || decoded.contains("\u00ef\u00bf\u00bd"), decoded);
        assertEquals("<html><body><p>caf\u00e9 soft</p><a href=\"https://a.example/ok\">ok</a></body></html>",
                spotsTakenOut(decoded));
    }
}
