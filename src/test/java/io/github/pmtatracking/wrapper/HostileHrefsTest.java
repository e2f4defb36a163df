package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.ClickTarget;
import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingAction;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every link the wrapper wraps must redirect: the tracker refuses a target with control characters,
 * without http(s), without a host or past its size bounds, and that click would be lost. Browsers
 * drop TAB, CR and LF from a URL and strip C0 controls and spaces at its ends (WHATWG URL parsing),
 * so the wrapped target is the href as the browser would have followed it.
 */
class HostileHrefsTest {

    private static final LinkCodec CODEC = LinkCodec.unsigned();
    private static final Pattern TRACKED = Pattern.compile("https://t\\.example\\.com/t/[A-Za-z0-9_=-]+");
    private final HtmlTracker clicks = new HtmlTracker(CODEC, "https://t.example.com/t", false, false, true);

    /** The href as written in the HTML, and the target a browser goes to (null: none the tracker may redirect to). */
    static Stream<Arguments> hrefs() {
        return Stream.of(
                Arguments.of("https://a.example/x\ty", "https://a.example/x" + "y"),
                Arguments.of("https://a.example/line\r\nbreak", "https://a.example/linebreak"),
                Arguments.of("https://a.exa\nmple/", "https://a.example/"),
                Arguments.of("   https://a.example/leading-spaces", "https://a.example/leading-spaces"),
                Arguments.of("\t\nhttps://a.example/leading-tab", "https://a.example/leading-tab"),
                Arguments.of("https://a.example/trailing \n", "https://a.example/trailing"),
                Arguments.of("h\tttps://a.example/split-scheme", "https://a.example/split-scheme"),
                Arguments.of("https:\t//a.example/split-slashes", "https://a.example/split-slashes"),
                Arguments.of("https://a.example/&#9;entity-tab", "https://a.example/entity-tab"),
                Arguments.of("https://a.example/&#x0A;entity-lf&#13;", "https://a.example/entity-lf"),
                Arguments.of("&#x20;&#x09;https://a.example/entity-lead", "https://a.example/entity-lead"),
                Arguments.of("https://a.example/?q=a b", "https://a.example/?q=a b"),
                Arguments.of("https://a.example/\u0001inner-control", null),
                Arguments.of("https://a.example/del\u007f", null),
                Arguments.of("https://\t/no-host", null),
                Arguments.of("java\tscript:alert(1)", null),
                Arguments.of("javascript\n:alert(1)", null),
                Arguments.of("jav&#x09;ascript:alert(1)", null),
                Arguments.of("  javascript:alert(1)", null),
                Arguments.of("\u0000https://a.example/nul-lead", null)); // the parser makes NUL U+FFFD: not a URL then
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hrefs")
    void aWrappedLinkGoesWhereTheBrowserWouldHaveGoneAndTheTrackerRedirectsIt(String href, String expected) throws Exception {
        String html = "<body><a href=\"" + href + "\">x</a></body>";
        String out = clicks.track(html, "m", "r");
        Matcher m = TRACKED.matcher(out);
        if (expected == null) {
            assertEquals(html, out, "left alone: the tracker would refuse it, or it is no http(s) link");
            return;
        }
        assertTrue(m.find(), out);
        assertEquals(html.replace(href, m.group()), out, "only the href's value changed");
        DecodedLink d = CODEC.decodeUrl(m.group());
        assertEquals(TrackingAction.CLICK, d.link().action());
        assertEquals(expected, d.link().targetUrl());
        assertNull(ClickTarget.unsafe(d.link().targetUrl()), "the tracker's own check passes");
    }

    @Test
    void noHostileHrefEverBecomesARedirectTheTrackerRefuses() throws Exception {
        // every C0 control and space, at every place in a good link, written as itself and as an entity
        String good = "https://a.example/p?q=1";
        for (int c = 0; c <= 0x20; c++) {
            for (int at = 0; at <= good.length(); at++) {
                for (String ch : List.of(String.valueOf((char) c), "&#" + c + ";")) {
                    String href = good.substring(0, at) + ch + good.substring(at);
                    String target = wrappedTarget(href);
                    if (target != null) {
                        assertNull(ClickTarget.unsafe(target), target);
                    }
                    boolean end = at == 0 || at == good.length();
                    if (c == '\t' || c == '\n' || c == '\r' || (end && c > 0)) {
                        assertEquals(good, target, "dropped as a browser drops it: " + c + " at " + at);
                    } else if (c > 0 && c < 0x20) {
                        assertNull(target, "a control character inside is left alone: " + c + " at " + at);
                    }
                }
            }
        }
        assertNull(wrappedTarget(good + "\u007f"));
        for (String js : List.of("java\tscript:alert(document.cookie)", "java&#10;script:alert(1)", "\tjavascript:x", "java\r\nscript:x")) {
            assertNull(wrappedTarget(js), "never a redirect to javascript: " + js);
        }
    }

    /** The target of the link the wrapper made of this href, or null when it left the link alone (then byte for byte). */
    private String wrappedTarget(String href) throws Exception {
        String html = "<body><a href=\"" + href + "\">x</a></body>";
        String out = clicks.track(html, "m", "r");
        Matcher m = TRACKED.matcher(out);
        if (!m.find()) {
            assertEquals(html, out);
            return null;
        }
        return CODEC.decodeUrl(m.group()).link().targetUrl();
    }

    @Test
    void aLinkTooLongForTheTrackersBoundsIsLeftAlone() throws Exception {
        Random random = new Random(7);
        StringBuilder path = new StringBuilder();
        while (path.length() < 6000) {
            path.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36)); // does not compress away
        }
        String html = "<body><a href=\"https://a.example/" + path + "\">long</a><a href=\"https://a.example/short\">s</a></body>";
        String out = clicks.track(html, "m", "r");
        assertTrue(out.contains("<a href=\"https://a.example/" + path + "\">long</a>"), "left alone: the tracker would answer 414");
        Matcher m = TRACKED.matcher(out);
        assertTrue(m.find());
        assertEquals("https://a.example/short", CODEC.decodeUrl(m.group()).link().targetUrl());
    }
}
