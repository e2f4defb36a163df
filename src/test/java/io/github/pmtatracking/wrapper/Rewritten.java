package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helpers for a rewritten message, read byte for byte (ISO-8859-1: one char per byte). */
final class Rewritten {

    static final LinkCodec CODEC = LinkCodec.unsigned();
    static final String URL = "http://t.example";
    static final Pattern LINK = Pattern.compile(Pattern.quote(URL) + "/[A-Za-z0-9_=-]+");
    static final Pattern ID = Pattern.compile("X-Sp-Message-Id: 0000[0-9a-f]{16}\r\n");
    static final Pattern OPEN = Pattern.compile("<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"" + LINK + "\">(\r?\n)?");

    private Rewritten() {
    }

    static byte[] crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The message without its X-Sp-Message-Id line, which must be the last line of the top header block. */
    static String withoutId(String out) {
        Matcher m = ID.matcher(out);
        assertTrue(m.find(), "X-Sp-Message-Id added: " + head(out));
        int blank = out.indexOf("\r\n\r\n");
        boolean last = blank < 0 ? m.end() == out.length() : m.end() == blank + 2;
        assertTrue(last, "X-Sp-Message-Id is the last header: " + head(out));
        return out.substring(0, m.start()) + out.substring(m.end());
    }

    /** The decoded tracking links in a text, in order. */
    static List<DecodedLink> links(String text) throws Exception {
        List<DecodedLink> out = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            out.add(CODEC.decodeUrl(m.group()));
        }
        return out;
    }

    /** Each wrapped href put back to its target, the open pixels taken out: what the sender wrote, if nothing else changed. */
    static String spotsTakenOut(String text) throws Exception {
        String t = OPEN.matcher(text).replaceAll("");
        Matcher m = Pattern.compile("href=\"(" + LINK + ")\"").matcher(t);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String target = CODEC.decodeUrl(m.group(1)).link().targetUrl();
            m.appendReplacement(sb, Matcher.quoteReplacement("href=\"" + target + "\""));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String head(String out) {
        return out.substring(0, Math.min(out.length(), 300));
    }
}
