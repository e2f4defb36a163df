package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingAction;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlTrackerTest {

    private static final LinkCodec CODEC = LinkCodec.unsigned();
    private static final Pattern TRACKED = Pattern.compile("https://t\\.example\\.com/t/[A-Za-z0-9_=-]+");

    private final HtmlTracker clicks = new HtmlTracker(CODEC, "https://t.example.com/t", false, false, true);

    private static List<DecodedLink> links(String html) throws Exception {
        List<DecodedLink> out = new ArrayList<>();
        Matcher m = TRACKED.matcher(html);
        while (m.find()) {
            out.add(CODEC.decodeUrl(m.group()));
        }
        return out;
    }

    @Test
    void theTrapLinkIsOneHiddenTextlessLinkBeforeTheBodyEndsAndOnlyWithClickTracking() throws Exception {
        String html = "<html><body><p>Hi</p><a href=\"https://shop.example/a\">Buy</a></body></html>";
        HtmlTracker trap = new HtmlTracker(CODEC, "https://t.example.com/t", true, false, true, true);
        String out = trap.track(html, "0000aabbccddeeff0011", "bob@example.com");
        List<DecodedLink> links = links(out);
        assertEquals(3, links.size(), out); // the shop link, the trap link, the open pixel
        DecodedLink t = links.get(1);
        assertEquals(TrackingAction.CLICK, t.link().action());
        assertEquals(io.github.pmtatracking.link.TrackingLink.TRAP_LINK_NAME, t.link().linkName());
        assertEquals("bob@example.com", t.link().rcptTo());
        int a = out.indexOf("<a href=\"https://t.example.com/t/", out.indexOf("Buy</a>"));
        assertTrue(a > 0 && out.indexOf("</a>", a) < out.indexOf("</body>"), out);
        String anchor = out.substring(a, out.indexOf("</a>", a) + 4);
        assertTrue(anchor.contains("display:none") && anchor.contains("aria-hidden=\"true\"") && anchor.contains("tabindex=\"-1\""), anchor);
        assertTrue(anchor.endsWith("\"></a>"), "no text to see: " + anchor);
        assertEquals(1, links(new HtmlTracker(CODEC, "https://t.example.com/t", true, false, false, true).track(html, "m", "r")).size(),
                "no trap link without click tracking: the open pixel alone");
    }

    @Test
    void httpAndHttpsLinksOfAAndAreaAreWrappedForTheMessageAndRecipient() throws Exception {
        String html = "<html><body><a href=\"https://shop.example/a?x=1&amp;y=2\" data-msys-linkname=\"Buy\">Buy</a>"
                + "<map><area href='http://shop.example/b'></map></body></html>";
        String out = clicks.track(html, "0000aabbccddeeff0011", "bob@example.com");
        List<DecodedLink> links = links(out);
        assertEquals(2, links.size());
        assertEquals(TrackingAction.CLICK, links.get(0).link().action());
        assertEquals("https://shop.example/a?x=1&y=2", links.get(0).link().targetUrl(), "&amp; is & in the target");
        assertEquals("Buy", links.get(0).link().linkName());
        assertEquals("0000aabbccddeeff0011", links.get(0).link().messageId());
        assertEquals("bob@example.com", links.get(0).link().rcptTo());
        assertEquals("http://shop.example/b", links.get(1).link().targetUrl());
    }

    @Test
    void everythingButTheHrefValuesStaysByteForByte() {
        String html = "<!DOCTYPE html>\r\n<HTML><Body  class=x>\r\n  <a  HREF = \"https://a.example/\"  >A</a>\r\n"
                + "<p>caf\u00e9 &nbsp; <b>bold</b></p>\r\n</Body></HTML>\r\n";
        String out = clicks.track(html, "m", "r");
        String href = out.substring(out.indexOf("\"https://t.example.com/t/") + 1);
        href = href.substring(0, href.indexOf('"'));
        assertEquals(html.replace("https://a.example/", href), out);
    }

    @Test
    void linksThatMustNotBeTrackedAreLeftAlone() {
        String html = "<body><a href=\"mailto:x@example.com\">m</a><a href=\"tel:+123\">t</a><a href=\"sms:+1\">s</a>"
                + "<a href=\"#top\">a</a><a href=\"\">e</a><a href=\"https://x.example/{{unsubscribe}}\">p</a>"
                + "<a href=\"https://x.example/?u=%%EMAIL%%\">p2</a><a href=\"https://t.example.com/t/abc\">already</a>"
                + "<a href=\"https://x.example/\" data-msys-clicktrack=\"0\">off</a><a href=\"/relative\">r</a></body>";
        assertEquals(html, clicks.track(html, "m", "r"));
    }

    @Test
    void linksInsideOutlookConditionalCommentsAreWrapped() throws Exception {
        String html = "<body><!--[if mso]><a href=\"https://mso.example/\">mso</a><![endif]--><a href=\"https://all.example/\">x</a></body>";
        String out = clicks.track(html, "m", "r");
        List<DecodedLink> links = links(out);
        assertEquals(2, links.size(), out);
        assertEquals("https://mso.example/", links.get(0).link().targetUrl());
        assertTrue(out.startsWith("<body><!--[if mso]><a href=\"https://t.example.com/t/"), out);
    }

    @Test
    void thePixelsGoBeforeTheBodyEndAndAfterTheBodyStart() throws Exception {
        HtmlTracker pixels = new HtmlTracker(CODEC, "https://t.example.com/t", true, true, false);
        String html = "<html><body bgcolor=\"#fff\">\r\n<p>Hi</p>\r\n</body></html>";
        String out = pixels.track(html, "m", "r");
        assertTrue(out.startsWith("<html><body bgcolor=\"#fff\"><div style=\"color:transparent;visibility:hidden;"), out);
        assertTrue(out.contains("\"/></div>\n\r\n<p>Hi</p>\r\n<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\""), out);
        assertTrue(out.endsWith("\">\n</body></html>"), out);
        List<DecodedLink> links = links(out);
        assertEquals(TrackingAction.INITIAL_OPEN, links.get(0).link().action());
        assertEquals(TrackingAction.OPEN, links.get(1).link().action());
        assertTrue(out.indexOf("<img border=\"0\" width=\"1\" height=\"1\" alt=\"\"") < out.indexOf("</body>"));
    }

    @Test
    void withoutABodyTagTheOpenPixelIsAppended() {
        HtmlTracker pixels = new HtmlTracker(CODEC, "https://t.example.com/t", true, false, false);
        String html = "<p>no body tag</p>";
        String out = pixels.track(html, "m", "r");
        assertTrue(out.startsWith(html + "<img border=\"0\""), out);
    }

    @Test
    void withASecretTheLinksAreSigned() throws Exception {
        LinkCodec signing = LinkCodec.builder().secret("k").build();
        HtmlTracker signed = new HtmlTracker(signing, "https://t.example.com/t", false, false, true);
        String out = signed.track("<a href=\"https://a.example/\">a</a>", "m", "r");
        Matcher m = TRACKED.matcher(out);
        assertTrue(m.find());
        assertTrue(signing.decodeUrl(m.group()).signed());
    }
}
