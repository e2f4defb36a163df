package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.LinkCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The marked plain parse ({@link MarkedHtml}) must edit exactly where jsoup's positioned parse
 * edits, byte for byte, or give way to it: over documents made to fool a scan of the source (tags
 * in comments, scripts, attribute values, end tags and doctypes; links the tree builder copies;
 * body tags it merges or ignores) and over example.eml's HTML with such fragments dropped in at
 * random places.
 */
class MarkedHtmlTest {

    private final HtmlTracker tracker = new HtmlTracker(LinkCodec.unsigned(), "https://t.example.com/t", true, true, true, true);

    /** A document, and whether the marked parse can place all of it itself (false: it gives way to the positioned parse). */
    static Stream<Arguments> documents() {
        String link = "<a href=\"https://real.example/\">real</a>";
        return Stream.of(
                Arguments.of("<html><body class=\"x\">" + link + "</body></html>", true),
                Arguments.of("<a href=\"https://open.example/\"><p>left open across a paragraph</a>then</p>", true),
                Arguments.of("<body><!-- <a href=\"https://comment.example/\">c</a> -->" + link + "</body>", true),
                Arguments.of("<body><script>var s = '<a href=\"https://script.example/\">';</script>" + link + "</body>", true),
                Arguments.of("<body><textarea><a href=\"https://textarea.example/\"></textarea>" + link + "</body>", true),
                Arguments.of("<body><title><a href=\"https://title.example/\"></title>" + link + "</body>", true),
                Arguments.of("<body><div title=\"<a href='https://quoted.example/'>\">d</div>" + link + "</body>", true),
                Arguments.of("<body><div title=<a href=https://unquoted.example/>d</div>" + link + "</body>", true),
                Arguments.of("<body><div title=<a/href=https://slash.example/>d</div>" + link + "</body>", true),
                Arguments.of("<body><p>p</p <a href=\"https://endtag.example/\">" + link + "</body>", true),
                Arguments.of("<!DOCTYPE html <a href=\"https://doctype.example/\"><body>" + link + "</body>", true),
                Arguments.of("<BODY><A HREF=\"https://upper.example/?a=1&amp;b=2\">u</A></BODY>", true),
                Arguments.of("<body><a/href=\"https://solidus.example/\">s</a></body>", true),
                Arguments.of("<body><a href = 'https://spaced.example/' >s</a></body>", true),
                Arguments.of("<body><a href=\"https://first.example/\" href=\"https://second.example/\">f</a></body>", true),
                Arguments.of("<body><a\nhref=\"https://lf.example/\"\r\ntitle=x>lf</a></body>", true),
                Arguments.of("<body><a title=\"x\"href=\"https://nospace.example/\">n</a></body>", true),
                Arguments.of("<body><a =x href=\"https://equals.example/\">e</a></body>", false),
                Arguments.of("<body><a href=\"https://x.example/&quot;q&quot;&amp&lt\">entities</a></body>", true),
                Arguments.of("<body><area href=https://area.example/ alt=x></body>", true),
                Arguments.of("<body><svg><a href=\"https://svg.example/\">x</a></svg>" + link + "</body>", true),
                Arguments.of("<body><noscript><a href=\"https://noscript.example/\">n</a></noscript></body>", true),
                Arguments.of("<body><template><a href=\"https://template.example/\">t</a></template>" + link + "</body>", true),
                Arguments.of("<body><a href=\"https://off.example/\" data-msys-clicktrack=\"0\">o</a>" + link + "</body>", true),
                Arguments.of("<body><!--[if mso]><a href=\"https://mso.example/\">m</a><![endif]-->" + link + "</body>", true),
                Arguments.of("<body><plaintext><a href=\"https://plaintext.example/\">" + link, true),
                Arguments.of(link, true),
                Arguments.of("<head></body><p>" + link, true),
                Arguments.of("<body>" + link + "</body><p>after the body</p>", true),
                Arguments.of("<body>" + link + "</body></html><a href=\"https://after.example/\">late</a>", true),
                Arguments.of("<body>" + link + "<div><p>unclosed</body>", true),
                // the parse gives way: the source alone cannot say what jsoup made of these
                Arguments.of("<body><!-- </body> -->" + link + "</body>", false),
                Arguments.of("<p>content first<body class=\"late\">" + link + "</body>", false),
                Arguments.of("<body><body bgcolor=red>" + link + "</body>", false),
                Arguments.of("<body><table><tr><td>" + link + "</body></td></tr></table>", false),
                Arguments.of("<body><table>" + link + "</body></table>", false),
                Arguments.of("<body><select><option>o</body></select>", false),
                Arguments.of("<body><svg>" + link + "</body></svg>", false),
                Arguments.of("<body><a href=\"https://clash.example/\" ZQPMtag1>c</a></body>", false), // the markers' own names
                Arguments.of("<body><a href=\"https://nul.example/\u0000\">n</a></body>", false),
                Arguments.of("<body><div title=x</body>" + link, false),
                Arguments.of("<frameset><a href=\"https://frame.example/\"></frameset></body>", false),
                // found by the fuzzing below, in earlier versions of the checks
                Arguments.of("<body><table><tr><td>" + link + "<a href=x </table></body>", false),
                Arguments.of("<body><div><noscript>" + link + "</body>", false),
                Arguments.of("<head><noscript><style>p{}</style></head><body>" + link + "</body>", false),
                Arguments.of("<head></head><table><body class=\"late\">" + link + "</body>", false),
                Arguments.of("<head></head><caption><body class=\"late\">" + link + "</body>", false),
                Arguments.of("<head></head><meta content=<body class=\"fake\">" + link + "</body>", false),
                Arguments.of("<body>" + link + "</html></body>", false),
                // found by a reviewer's fuzzing: a marker in an unquoted value, frameset, html end without body end
                Arguments.of("<svg><foreignObject x=<a/><style><a href=https://x.example/>x</a>", true),
                Arguments.of("<table><input x=<a/type=hidden><frameset><a href=https://x.example/>x</a>", false),
                Arguments.of("</body><frameset><a href=https://x/>x</a>", false),
                Arguments.of("<body><a href=https://x/>x</a></html>", false),
                Arguments.of("<head><meta content=<body>" + link, false),
                Arguments.of("<body>" + link + "</body ", false),
                Arguments.of("<body>" + link + "</body x='", false),
                Arguments.of("</body/", false),
                Arguments.of("<body>" + link + "<zqpmbodyend></zqpmbodyend><textarea></body></textarea>", false),
                Arguments.of("<meta zqpmbeforebody><?<body>" + link, false),
                Arguments.of("<x<a =\"><a href=https://x.example/>x</a>", false),
                Arguments.of("<a =\" href=https://x.example/>x</a>", false),
                Arguments.of("<body =\" class=x><a href=https://x.example/>x</a>", false),
                Arguments.of("<d<area =='></body>", false),
                Arguments.of("<p y<a =\"><a href=https://x.example/>x</a>", false),
                Arguments.of("<body>" + link + "<a href=\"https://eof.example/\"", true));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("documents")
    void theMarkedParseEditsWhereThePositionedParseEdits(String html, boolean placedByMarks) {
        long before = tracker.positionedParses();
        String marked = tracker.track(html, "0011223344556677", "rcpt@example.com");
        assertEquals(tracker.trackPositioned(html, "0011223344556677", "rcpt@example.com"), marked);
        assertEquals(placedByMarks ? 0 : 1, tracker.positionedParses() - before, "parsed again with positions");
        assertNotEquals(html, marked, "the pixels at least were added");
    }

    @Test
    void exampleEmlTakesTheMarkedParseAlone() throws IOException {
        String html = exampleHtml();
        String marked = tracker.track(html, "0011223344556677", "rcpt@example.com");
        assertEquals(0, tracker.positionedParses());
        assertEquals(tracker.trackPositioned(html, "0011223344556677", "rcpt@example.com"), marked);
        assertTrue(marked.length() > html.length() + 1000, "its links wrapped");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fuzzBases")
    void hostileFragmentsDroppedAnywhereAreEditedAsThePositionedParseEditsThem(String name, String html) {
        List<String> fragments = List.of("<!--", "-->", "<a href=\"https://z.example/?a=1&amp;b=2\">", "</a>", "<a href=x ", "</body>",
                "<body id=b>", "<script>", "</script>", "<textarea>", "</textarea>", "\"", "'", "<table>", "<tr><td>", "</table>", "<p>",
                "</p>", "<svg>", "</svg>", "<area href=https://area.example/>", "<title>", "<select>", "=", "<a/", "<!--[if mso]>",
                "<![endif]-->", "<template>", "<div title=", ">", "&amp;", "<A HREF='https://upper.example/'>", "\u0000", "<plaintext>",
                "<noscript>", "</html>", "<head>", "<meta content=", "<frameset>", "<object>", "<caption>", "<colgroup>", "</td>",
                "<body>", "</tr>", "<marquee>", "<math>", "</div>");
        Random random = new Random(20261207);
        int markedAlone = 0;
        int documents = 400;
        for (int d = 0; d < documents; d++) {
            StringBuilder doc = new StringBuilder(html);
            for (int k = random.nextInt(4) + 1; k > 0; k--) {
                doc.insert(random.nextInt(doc.length() + 1), fragments.get(random.nextInt(fragments.size())));
            }
            String source = doc.toString();
            long before = tracker.positionedParses();
            String marked = tracker.track(source, "0011223344556677", "rcpt@example.com");
            assertEquals(tracker.trackPositioned(source, "0011223344556677", "rcpt@example.com"), marked, "document " + d + ": " + source);
            markedAlone += tracker.positionedParses() == before ? 1 : 0;
        }
        // 2026-12-07, 100,000 documents per seed: 58% (example.eml) and 37% (the small one) placed by the marked parse alone
        assertTrue(markedAlone > documents / 5, "many documents are placed by the marked parse alone: " + markedAlone + " of " + documents);
    }

    static Stream<Arguments> fuzzBases() throws IOException {
        return Stream.of(Arguments.of("example.eml", exampleHtml()),
                Arguments.of("a small document", "<html><head><title>t</title><style>p{}</style></head><body class=\"b\"><p>"
                        + "<a href=\"https://a.example/?x=1&amp;y=2\">a</a></p><table><tr><td><a href=https://b.example/>b</a>"
                        + "<area href=\"https://c.example/\"></td></tr></table><!--[if mso]><a href=\"https://m.example/\">m</a>"
                        + "<![endif]--></body></html>\n"));
    }

    @Test
    void theProxysCountShowsTheHtmlPartsParsedAgainWithPositions() {
        EngagementTracking tracking = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.TRACKED);
        byte[] plain = "Content-Type: text/html\r\n\r\n<body><a href=\"https://a.example/\">a</a></body>\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] twoBodies = "Content-Type: text/html\r\n\r\n<body><body><a href=\"https://a.example/\">a</a></body>\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        tracking.rewrite(plain, List.of("rcpt@example.com"));
        assertEquals(0, tracking.htmlParsedWithPositions());
        tracking.rewrite(twoBodies, List.of("rcpt@example.com"));
        assertEquals(1, tracking.htmlParsedWithPositions());
    }

    private static String exampleHtml() throws IOException {
        try (var in = MarkedHtmlTest.class.getResourceAsStream("/example.eml")) {
            String eml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return eml.substring(eml.indexOf("<!DOCTYPE"));
        }
    }
}
