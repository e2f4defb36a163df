package io.github.pmtatracking.wrapper;

import static io.github.pmtatracking.wrapper.Rewritten.crlf;
import static io.github.pmtatracking.wrapper.Rewritten.s;
import static io.github.pmtatracking.wrapper.Rewritten.withoutId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.DecodedLink;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** -track_text_links: the http(s) URLs of text/plain parts, wrapped under the HTML links' rules, and nothing else changed. */
class TextLinksTest {

    private final HtmlTracker html = new HtmlTracker(Rewritten.CODEC, Rewritten.URL, true, false, true);
    private final EngagementTracking tracking = new EngagementTracking(html,
            new TextLinkTracker(Rewritten.CODEC, Rewritten.URL), EngagementTracking.MultiRecipient.SPLIT);

    private String rewrite(String mail) {
        return withoutId(s(tracking.rewrite(crlf(mail), List.of("r@example.com"))));
    }

    /** The text with each tracking link put back to its target. */
    private static String linksTakenOut(String text) throws Exception {
        Matcher m = Rewritten.LINK.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(Rewritten.CODEC.decodeUrl(m.group()).link().targetUrl()));
        }
        return m.appendTail(sb).toString();
    }

    private static List<String> targets(String text) throws Exception {
        return Rewritten.links(text).stream().map(l -> l.link().targetUrl()).toList();
    }

    @Test
    void urlsAreWrappedAsAReaderSeesThemAndTheRestStaysByteForByte() throws Exception {
        String body = "See https://a.example/x?y=1&z=2. Or (https://b.example/p), <https://c.example/q>,\n"
                + "\"https://d.example/r\" and https://en.wikipedia.org/wiki/Mail_(disambiguation) too.\n"
                + "Not these: www.e.example, ftp://f.example/, mailto:m@example.com, tel:+1555, http://t.example/?own,\n"
                + "https://g.example/?u={{id}}, https://h.example/*|UNSUB|*, https://i.example/?u=${id} and http:// alone.\n";
        String out = rewrite("Content-Type: text/plain; charset=us-ascii\n\n" + body);
        String text = out.substring(out.indexOf("\r\n\r\n") + 4);
        assertEquals(List.of("https://a.example/x?y=1&z=2", "https://b.example/p", "https://c.example/q", "https://d.example/r",
                "https://en.wikipedia.org/wiki/Mail_(disambiguation)"), targets(text));
        for (DecodedLink l : Rewritten.links(text)) {
            assertEquals("r@example.com", l.link().rcptTo());
        }
        assertEquals(s(crlf(body)), linksTakenOut(text), "only the URLs changed");
    }

    @Test
    void everyTransferEncodingIsWrappedAndEncodedAgainItsOwnWay() throws Exception {
        String text = "Caf\u00e9 sale: https://a.example/sale?x=1\n";
        String b64 = Base64.getMimeEncoder().encodeToString(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        String out = rewrite("Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + b64 + "\n"
                + "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "Caf=C3=A9 sale: https://a.example/sa=\nle?x=3D1\n"
                + "--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
                + "Caf\u00e9 sale: https://a.example/sale?x=1\n--b--\n");
        String[] parts = out.split("\r\n--b");
        String base64 = parts[1].substring(parts[1].indexOf("\r\n\r\n") + 4).replace("\r\n", "");
        assertEquals(List.of("https://a.example/sale?x=1"), targets(new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8)));
        String qp = parts[2].substring(parts[2].indexOf("\r\n\r\n") + 4);
        assertTrue(qp.startsWith("Caf=C3=A9 sale: http://t.example/"), qp);
        for (String line : qp.split("\r\n")) {
            assertTrue(line.length() <= 76, "quoted-printable lines within 76: " + line);
        }
        String eight = parts[3].substring(parts[3].indexOf("\r\n\r\n") + 4);
        assertTrue(eight.startsWith("Caf\u00e9 sale: http://t.example/"), eight);
        assertEquals(List.of("https://a.example/sale?x=1"), targets(eight));
    }

    @Test
    void aLongLineIsBrokenAtASpaceToStayWithinSmtpsLimitAndAnAttachmentIsLeftAlone() throws Exception {
        String words = "word ".repeat(180); // 900 characters, then a URL: more than 998 once wrapped
        String out = rewrite("Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\n\n" + words + "https://a.example/long\n"
                + "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=links.txt\n\n"
                + "https://a.example/in-a-file\n--b--\n");
        for (String line : out.split("\r\n")) {
            assertTrue(line.length() <= 998, "line of " + line.length());
        }
        assertEquals(List.of("https://a.example/long"), targets(out));
        assertTrue(out.contains("\r\n\r\nhttps://a.example/in-a-file\r\n"), "the attachment as it came");
    }

    @Test
    void withoutTheOptionTextPartsStayAsTheyCameAndHtmlIsStillTracked() throws Exception {
        EngagementTracking htmlOnly = new EngagementTracking(html, EngagementTracking.MultiRecipient.SPLIT);
        String mail = "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nhttps://a.example/\n"
                + "--b\nContent-Type: text/html\n\n<a href=\"https://a.example/\">a</a>\n--b--\n";
        String out = withoutId(s(htmlOnly.rewrite(crlf(mail), List.of("r@example.com"))));
        assertTrue(out.contains("text/plain\r\n\r\nhttps://a.example/\r\n"), out);
        assertEquals(2, Rewritten.links(out).size(), "the html link and the open pixel");
    }

    @Test
    void aPartWhoseCharsetDidNotHoldHasOnlyItsAsciiUrlsWrapped() throws Exception {
        // Latin-1 bytes in a part that says utf-8: read byte for byte, an IRI with those bytes left alone
        String out = rewrite("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                + "https://a.example/caf\u00e9 and https://b.example/ok\n");
        assertEquals(List.of("https://b.example/ok"), targets(out));
        assertTrue(out.contains("https://a.example/caf\u00e9 and "), out);
    }

    @Test
    void theRecipientLimitOfEachMode() {
        RecipientLimitFunction f = new RecipientLimitFunction();
        assertEquals("recipientLimit", f.getName());
        assertEquals(EngagementTracking.MultiRecipient.SPLIT, EngagementTracking.MultiRecipient.of(" Split "));
        assertEquals(EngagementTracking.MultiRecipient.TRACKED, EngagementTracking.MultiRecipient.of("tracked"));
        assertEquals("wrapper: -multi_recipient is split, tracked or untracked, not all",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> EngagementTracking.MultiRecipient.of("all")).getMessage());
    }
}
