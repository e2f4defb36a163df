package io.github.pmtatracking.wrapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.Base64OutputStream;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.ContentUtil;

/**
 * Rewrites the text/html parts of a message and nothing else. The structure is walked on the
 * bytes themselves (multipart nested to any depth), so headers, boundaries, preambles and other
 * parts stay byte for byte; each HTML part is decoded (7bit, 8bit, quoted-printable, base64; its
 * charset), rewritten, and encoded again the same way. message/rfc822 and text/x-amp-html are
 * not entered. mime4j supplies the field grammar and the transfer codecs; the walk is ours
 * because mime4j's parsers give the content, not its byte offsets. Lines are expected to end in
 * CRLF, as the proxy delivers them.
 */
public final class MimeRewriter {

    /** A message whose structure cannot be followed; it is passed on unchanged. */
    public static final class MimeProblem extends Exception {
        public MimeProblem(String message) {
            super(message, null, false, false);
        }
    }

    /** The outcome: the message bytes, the X-Sp-Message-Id it carries, and how many HTML parts changed. */
    public record Result(byte[] message, String messageId, int htmlParts) {
    }

    private record Edit(int start, int end, byte[] bytes) {
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final int MAX_DEPTH = 20;

    /**
     * @param messageId the id to add when the message has no X-Sp-Message-Id (an existing one is kept)
     * @param html      the HTML rewrite, given the message id in use
     */
    public Result rewrite(byte[] msg, String messageId, java.util.function.Function<String, UnaryOperator<String>> html)
            throws MimeProblem {
        return rewrite(msg, () -> messageId, html);
    }

    /** The same, making a message id only for a message that has none. */
    public Result rewrite(byte[] msg, java.util.function.Supplier<String> newMessageId,
                          java.util.function.Function<String, UnaryOperator<String>> html) throws MimeProblem {
        int headerEnd = headerEnd(msg, 0, msg.length);
        if (headerEnd < 0) {
            throw new MimeProblem("no blank line after the headers");
        }
        Map<String, String> headers = headers(msg, 0, headerEnd);
        String existing = headers.get("x-sp-message-id");
        String id = existing != null && !existing.isBlank() ? existing.trim() : newMessageId.get();
        List<Edit> edits = new ArrayList<>();
        walk(msg, 0, msg.length, html.apply(id), edits, 0);
        if (existing == null || existing.isBlank()) {
            edits.add(new Edit(headerEnd, headerEnd, ("X-Sp-Message-Id: " + id + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        }
        return new Result(apply(msg, edits), id, (int) edits.stream().filter(e -> e.end() > e.start()).count());
    }

    private void walk(byte[] m, int start, int end, UnaryOperator<String> html, List<Edit> edits, int depth)
            throws MimeProblem {
        if (depth > MAX_DEPTH) {
            throw new MimeProblem("multipart nested deeper than " + MAX_DEPTH);
        }
        int headerEnd = headerEnd(m, start, end);
        if (headerEnd < 0) {
            return; // a part with no body: nothing to rewrite
        }
        int bodyStart = headerEnd + (m[headerEnd] == '\r' ? 2 : 1);
        Map<String, String> headers = headers(m, start, headerEnd);
        RawBody type = field(headers.getOrDefault("content-type", "text/plain"));
        String mime = type.getValue().toLowerCase(Locale.ROOT);
        if (mime.startsWith("multipart/")) {
            String boundary = param(type, "boundary");
            if (boundary == null || boundary.isEmpty()) {
                throw new MimeProblem("multipart without a boundary");
            }
            for (int[] part : parts(m, bodyStart, end, boundary)) {
                walk(m, part[0], part[1], html, edits, depth + 1);
            }
        } else if (mime.equals("text/html")) {
            Edit e = rewriteHtml(m, bodyStart, end, headers, type, html);
            if (e != null) {
                edits.add(e);
            }
        }
        // message/rfc822, text/x-amp-html and everything else: left alone
    }

    private Edit rewriteHtml(byte[] m, int start, int end, Map<String, String> headers, RawBody type,
                             UnaryOperator<String> html) throws MimeProblem {
        String cte = headers.getOrDefault("content-transfer-encoding", "7bit").trim().toLowerCase(Locale.ROOT);
        Charset charset = charset(param(type, "charset"));
        // the body's own trailing line ends stay where they are
        int contentEnd = end;
        while (contentEnd > start && (m[contentEnd - 1] == '\r' || m[contentEnd - 1] == '\n')) {
            contentEnd--;
        }
        byte[] raw = java.util.Arrays.copyOfRange(m, start, contentEnd);
        byte[] decoded;
        try {
            decoded = switch (cte) {
                case "7bit", "8bit", "binary", "" -> raw;
                case "quoted-printable" -> readAll(new QuotedPrintableInputStream(new ByteArrayInputStream(raw), false));
                case "base64" -> readAll(new Base64InputStream(new ByteArrayInputStream(raw), false));
                default -> throw new MimeProblem("unknown Content-Transfer-Encoding " + cte);
            };
        } catch (IOException e) {
            throw new MimeProblem("HTML part does not decode as " + cte + ": " + e.getMessage());
        }
        String before = new String(decoded, charset);
        String after = html.apply(before);
        if (after.equals(before)) {
            return null;
        }
        byte[] text = after.getBytes(charset);
        byte[] encoded;
        try {
            encoded = switch (cte) {
                case "quoted-printable" -> encode(text, out -> new QuotedPrintableOutputStream(out, false));
                case "base64" -> encode(text, out -> new Base64OutputStream(out, 76));
                default -> limitLines(text);
            };
        } catch (IOException e) {
            throw new MimeProblem("HTML part does not encode as " + cte + ": " + e.getMessage());
        }
        int trimmed = encoded.length;
        while (trimmed > 0 && (encoded[trimmed - 1] == '\r' || encoded[trimmed - 1] == '\n')) {
            trimmed--;
        }
        return new Edit(start, contentEnd, java.util.Arrays.copyOf(encoded, trimmed));
    }

    /** Splits a multipart body at its delimiter lines; returns [start, end) of each part. */
    static List<int[]> parts(byte[] m, int start, int end, String boundary) throws MimeProblem {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<int[]> parts = new ArrayList<>();
        int partStart = -1;
        int lineStart = start;
        while (lineStart < end) {
            int lineEnd = indexOf(m, (byte) '\n', lineStart, end);
            int next = lineEnd < 0 ? end : lineEnd + 1;
            int contentEnd = lineEnd < 0 ? end : (lineEnd > lineStart && m[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd);
            if (startsWith(m, lineStart, contentEnd, delim)) {
                int after = lineStart + delim.length;
                boolean close = after + 1 < contentEnd + 1 && after + 2 <= contentEnd && m[after] == '-' && m[after + 1] == '-';
                if (close || blank(m, after, contentEnd)) {
                    if (partStart >= 0) {
                        // the line end before a delimiter belongs to the delimiter
                        int partEnd = lineStart;
                        if (partEnd > partStart && m[partEnd - 1] == '\n') {
                            partEnd--;
                            if (partEnd > partStart && m[partEnd - 1] == '\r') {
                                partEnd--;
                            }
                        }
                        parts.add(new int[] {partStart, partEnd});
                    }
                    if (close) {
                        return parts;
                    }
                    partStart = next;
                }
            }
            lineStart = next;
        }
        if (partStart < 0) {
            throw new MimeProblem("multipart body without its boundary");
        }
        parts.add(new int[] {partStart, end}); // no closing delimiter: the last part runs to the end
        return parts;
    }

    /** Index of the line end that ends the headers (the empty line's start), or -1. */
    static int headerEnd(byte[] m, int start, int end) {
        if (start < end && (m[start] == '\n' || (m[start] == '\r' && start + 1 < end && m[start + 1] == '\n'))) {
            return start; // no headers at all
        }
        for (int i = start; i < end; i++) {
            if (m[i] == '\n') {
                int j = i + 1;
                if (j < end && (m[j] == '\n' || (m[j] == '\r' && j + 1 < end && m[j + 1] == '\n'))) {
                    return j;
                }
            }
        }
        return -1;
    }

    /** Header fields (unfolded), by lower-case name; the first of each name. */
    static Map<String, String> headers(byte[] m, int start, int end) {
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

    private static RawBody field(String value) {
        ByteSequence bytes = ContentUtil.encode(value);
        return RawFieldParser.DEFAULT.parseRawBody(bytes, new ParserCursor(0, bytes.length()));
    }

    private static String param(RawBody body, String name) {
        for (NameValuePair p : body.getParams()) {
            if (p.getName().equalsIgnoreCase(name)) {
                return p.getValue();
            }
        }
        return null;
    }

    private static Charset charset(String name) throws MimeProblem {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("us-ascii")) {
            return StandardCharsets.ISO_8859_1; // byte for byte: 8-bit bytes under a us-ascii label survive
        }
        try {
            return Charset.forName(name.trim());
        } catch (RuntimeException e) {
            throw new MimeProblem("unknown charset " + name);
        }
    }

    /**
     * 7bit and 8bit lines may not pass 998 octets: a longer line is broken after a tag or at a space,
     * the last one before the limit, where HTML reads the line break as whitespace.
     */
    static byte[] limitLines(byte[] text) {
        boolean bareLf = hasBareLf(text);
        if (!bareLf && !hasLongLine(text)) {
            return text;
        }
        // lines end in CRLF on the wire: a bare LF (as in the pixels' markup) becomes CRLF here
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 64);
        int lineStart = 0;
        int gaveUpAt = -1; // a line with no place to break is left as it is, and not searched again
        for (int i = 0; i < text.length; i++) {
            if (text[i] != '\n') {
                if (i - lineStart >= 990 && gaveUpAt != lineStart) {
                    int cut = lastBreak(text, lineStart, i);
                    if (cut >= 0) {
                        out.write(text, lineStart, cut + 1 - lineStart);
                        out.write('\r');
                        out.write('\n');
                        lineStart = cut + 1;
                    } else {
                        gaveUpAt = lineStart;
                    }
                }
                continue;
            }
            boolean crlf = i > lineStart && text[i - 1] == '\r';
            out.write(text, lineStart, i - lineStart - (crlf ? 1 : 0));
            out.write('\r');
            out.write('\n');
            lineStart = i + 1;
        }
        out.write(text, lineStart, text.length - lineStart);
        return out.toByteArray();
    }

    private static boolean hasBareLf(byte[] text) {
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLongLine(byte[] text) {
        int lineStart = 0;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\n') {
                lineStart = i + 1;
            } else if (i - lineStart >= 990) {
                return true;
            }
        }
        return false;
    }

    /** The last '>' or space before {@code to}: the latest place to break, so each line is cut once. */
    private static int lastBreak(byte[] m, int from, int to) {
        for (int i = to - 1; i > from; i--) {
            if (m[i] == '>' || m[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    private interface Encoder {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private static byte[] encode(byte[] text, Encoder encoder) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length * 4 / 3 + 64);
        try (OutputStream enc = encoder.wrap(out)) {
            enc.write(text);
        }
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static byte[] apply(byte[] m, List<Edit> edits) {
        if (edits.isEmpty()) {
            return m;
        }
        edits.sort(Comparator.comparingInt(Edit::start));
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length + 4096);
        int at = 0;
        for (Edit e : edits) {
            out.write(m, at, e.start() - at);
            out.write(e.bytes(), 0, e.bytes().length);
            at = e.end();
        }
        out.write(m, at, m.length - at);
        return out.toByteArray();
    }

    private static int indexOf(byte[] m, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] m, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (m[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean blank(byte[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] != ' ' && m[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
