package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For each shape of mail: every wrapped link decodes to exactly its original target, the output
 * with the rewritten spots taken out equals the input byte for byte, the HTML still parses and
 * the pixels are where configured. (7bit and 8bit parts; the encoded shapes are covered in
 * MimeRewriterTest at the decoded level, parts whose charset does not hold in PartTextTest and
 * UndecodablePartsTest.)
 */
class RewriteFaithfulnessTest {

    private static final LinkCodec CODEC = LinkCodec.unsigned();
    private static final String URL = "http://t.example";
    private static final Pattern LINK = Pattern.compile(Pattern.quote(URL) + "/[A-Za-z0-9_=-]+");
    private static final Pattern HREF = Pattern.compile("href=\"(https?://[^\"]*)\"");
    private static final Pattern OPEN = Pattern.compile("<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"" + LINK + "\">(\r?\n)?");
    private static final Pattern INITIAL = Pattern.compile("<div style=\"color:transparent[^\"]*\"><img border=\"0\" width=\"1\" "
            + "height=\"1\" src=\"" + LINK + "\"/></div>(\r?\n)?");
    private static final Pattern ID = Pattern.compile("X-Sp-Message-Id: 0000[0-9a-f]{16}\r\n");

    static Stream<Arguments> mails() throws Exception {
        String example = Files.readString(Path.of("src/test/resources/example.eml"));
        return Stream.of(
                Arguments.of("example.eml", example),
                Arguments.of("multipart/alternative 7bit", "From: a@example.com\nContent-Type: multipart/alternative; boundary=b\n\n"
                        + "--b\nContent-Type: text/plain\n\nplain\n--b\nContent-Type: text/html\nContent-Transfer-Encoding: 7bit\n\n"
                        + "<html><body><a href=\"https://a.example/x?y=1&amp;z=2\">a</a>\n<a href=\"mailto:x@y\">m</a></body></html>\n--b--\n"),
                Arguments.of("only html", "Subject: html\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                        + "<p>caf\u00e9 <a href='https://b.example/'>b</a></p>\n"),
                Arguments.of("no html part", "Subject: plain\nContent-Type: text/plain\n\nhttps://c.example/ stays\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mails")
    void takingTheRewrittenSpotsOutGivesTheInputBack(String name, String mail) throws Exception {
        byte[] in = mail.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        HtmlTracker tracker = new HtmlTracker(CODEC, URL, true, true, true);
        byte[] out = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.TRACKED).rewrite(in, List.of("r@example.com"));
        String input = new String(in, StandardCharsets.UTF_8);
        String output = new String(out, StandardCharsets.UTF_8);

        List<String> originalTargets = new ArrayList<>();
        Matcher h = HREF.matcher(input);
        while (h.find()) {
            originalTargets.add(h.group(1));
        }
        // pixels where configured: the open pixel right before </body> (or at the end), the initial one after <body ...>
        boolean html = input.contains("text/html");
        assertEquals(html ? 1 : 0, count(OPEN, output), "open pixels");
        assertEquals(html ? 1 : 0, count(INITIAL, output), "initial-open pixels");
        if (input.contains("</body>")) {
            assertTrue(Pattern.compile(OPEN.pattern() + "</body>").matcher(output).find(), "open pixel just before </body>");
            assertTrue(Pattern.compile("<body[^>]*>" + INITIAL.pattern()).matcher(output).find(), "initial pixel just after <body>");
        }
        // take the spots out: the id header, the pixels, and each wrapped href back to its original text
        String restored = ID.matcher(output).replaceFirst("");
        restored = OPEN.matcher(restored).replaceAll("");
        restored = INITIAL.matcher(restored).replaceAll("");
        Matcher wrapped = Pattern.compile("href=(['\"])(" + LINK + ")\\1").matcher(restored);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        List<String> decodedTargets = new ArrayList<>();
        while (wrapped.find()) {
            DecodedLink d = CODEC.decodeUrl(wrapped.group(2));
            assertEquals(TrackingAction.CLICK, d.link().action());
            assertEquals("r@example.com", d.link().rcptTo());
            decodedTargets.add(d.link().targetUrl());
            String original = d.link().targetUrl().replace("&", "&amp;");
            wrapped.appendReplacement(sb, Matcher.quoteReplacement("href=" + wrapped.group(1) + original + wrapped.group(1)));
            i++;
        }
        wrapped.appendTail(sb);
        assertEquals(originalTargets.stream().map(t -> t.replace("&amp;", "&")).toList(),
                decodedTargets.stream().filter(t -> !t.isEmpty()).toList().subList(0, Math.min(decodedTargets.size(), originalTargets.size())),
                "each wrapped link decodes to exactly its original target");
        // the 7bit/8bit line-length limit may have broken long lines: undo those breaks for the comparison
        String back = sb.toString();
        if (!back.equals(input)) {
            back = back.replace(">\r\n", ">").replace(" \r\n", " ");
            String in2 = input.replace(">\r\n", ">").replace(" \r\n", " ");
            assertEquals(in2, back, "byte for byte outside the rewritten spots");
        } else {
            assertEquals(input, back);
        }
        if (html) {
            assertNotNull(Jsoup.parse(output).body(), "the HTML parses");
        } else {
            assertArrayEquals(in, ID.matcher(output).replaceFirst("").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
