package io.github.pmtatracking.wrapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.ContentUtil;

/**
 * Rewrites the text/html parts of a message, and with a text rewrite its inline text/plain parts,
 * and nothing else. The structure is walked on the bytes themselves, so headers, boundaries,
 * preambles and other parts stay byte for byte; each part rewritten is decoded (7bit, 8bit,
 * quoted-printable, base64; its charset), rewritten, and encoded again the same way
 * ({@link PartText}). message/rfc822 and text/x-amp-html are not entered, and a text/plain part
 * sent as an attachment (Content-Disposition: attachment) is a file, left as it is.
 * mime4j supplies the field grammar; the walk is ours because mime4j's parsers give the content,
 * not its byte offsets. Lines are expected to end in CRLF, as the proxy delivers them.
 *
 * <p>The X-Sp-Message-Id goes into the top header block whatever the body holds: multipart nested
 * deeper than {@link #MAX_DEPTH}, a multipart without its boundary, an HTML part that does not
 * decode. Such a part or branch goes on as received and is reported in {@link Result#faults()}.
 */
public final class MimeRewriter {

    /** A message without a header block to put the id in; it is passed on unchanged. */
    public static final class MimeProblem extends Exception {
        public MimeProblem(String message) {
            super(message, null, false, false);
        }
    }

    /** A part or branch not rewritten as declared, and why (never any of its content). */
    public record Fault(MimeFault fault, String detail) {
        @Override
        public String toString() {
            return fault.label() + " (" + detail + ")";
        }
    }

    /** The rewrite of one part's text, given whether it is the part's bytes read as ISO-8859-1. */
    @FunctionalInterface
    public interface PartRewrite {
        String rewrite(String text, boolean bytesAsLatin1);
    }

    /**
     * The outcome: the message bytes, the X-Sp-Message-Id it carries, how many parts changed, and
     * the parts or branches not rewritten as declared.
     */
    public record Result(byte[] message, String messageId, int trackedParts, List<Fault> faults) {
    }

    private record Edit(int start, int end, byte[] bytes) {
    }

    /**
     * How deep multiparts are followed: the message is depth 0, each multipart level one more, and
     * the parts of a multipart at this depth go on as received ({@link MimeFault#TOO_DEEP}). Real
     * mail nests three or four levels (mixed, related, alternative); the bound keeps a hostile
     * message from making the walk (recursive, and rescanning each level) arbitrarily long.
     */
    static final int MAX_DEPTH = 20;

    /**
     * The largest part rewritten by default, in bytes as sent (wrapper.max_tracked_part_size):
     * jsoup's tree of an HTML part is about 20 times its size (a 16 MB part with 150,000 links kept
     * 308 MB live, GC log), and the launcher's heap is 256 MB. Gmail clips HTML past 102 KB.
     */
    public static final long DEFAULT_MAX_PART_SIZE = 2 * 1024 * 1024;

    private final long maxPartSize;

    public MimeRewriter() {
        this(DEFAULT_MAX_PART_SIZE);
    }

    /** @param maxPartSize a larger text part goes on as received ({@link MimeFault#TOO_LARGE}); 0: no limit */
    public MimeRewriter(long maxPartSize) {
        this.maxPartSize = maxPartSize;
    }

    /**
     * @param messageId the id to add when the message has no X-Sp-Message-Id (an existing one is kept)
     * @param html      the HTML rewrite, given the message id in use; null when there is none (only the id is added,
     *                  and the body is not walked)
     */
    public Result rewrite(byte[] msg, String messageId, Function<String, PartRewrite> html) throws MimeProblem {
        return rewrite(msg, () -> messageId, html, id -> null);
    }

    /**
     * The same, making a message id only for a message that has none; {@code text} gives the
     * rewrite of the text/plain parts (null: they stay as they are).
     */
    public Result rewrite(byte[] msg, Supplier<String> newMessageId, Function<String, PartRewrite> html,
                          Function<String, PartRewrite> text) throws MimeProblem {
        int headerEnd = MimeStructure.headerEnd(msg, 0, msg.length);
        boolean body = headerEnd >= 0;
        if (!body) {
            if (!MimeStructure.headerFieldsOnly(msg)) {
                throw new MimeProblem("no blank line after the headers");
            }
            headerEnd = msg.length; // header fields and no body (RFC 5322 allows it): the id goes last
        }
        Map<String, String> headers = MimeStructure.headers(msg, 0, headerEnd);
        String existing = headers.get("x-sp-message-id");
        String id = existing != null && !existing.isBlank() ? existing.trim() : newMessageId.get();
        List<Edit> edits = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        PartRewrite htmlRewrite = html.apply(id);
        PartRewrite textRewrite = text.apply(id);
        if (body && (htmlRewrite != null || textRewrite != null)) {
            walk(msg, 0, msg.length, new Rewrites(htmlRewrite, textRewrite), edits, faults, 0);
        }
        int trackedParts = edits.size();
        if (existing == null || existing.isBlank()) {
            edits.add(new Edit(headerEnd, headerEnd, ("X-Sp-Message-Id: " + id + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        }
        return new Result(apply(msg, edits), id, trackedParts, faults);
    }

    /** The rewrites of one message, each null when its parts stay as they are. */
    private record Rewrites(PartRewrite html, PartRewrite text) {
    }

    private void walk(byte[] m, int start, int end, Rewrites rewrites, List<Edit> edits, List<Fault> faults, int depth) {
        int headerEnd = MimeStructure.headerEnd(m, start, end);
        if (headerEnd < 0) {
            return; // a part with no body: nothing to rewrite
        }
        int bodyStart = headerEnd + (m[headerEnd] == '\r' ? 2 : 1);
        Map<String, String> headers = MimeStructure.headers(m, start, headerEnd);
        RawBody type = field(headers.getOrDefault("content-type", "text/plain"));
        String mime = type.getValue().toLowerCase(Locale.ROOT);
        if (mime.startsWith("multipart/")) {
            String boundary = param(type, "boundary");
            if (boundary == null || boundary.isEmpty()) {
                faults.add(new Fault(MimeFault.BROKEN_MULTIPART, mime + " without a boundary"));
                return;
            }
            if (depth >= MAX_DEPTH) {
                faults.add(new Fault(MimeFault.TOO_DEEP, "multipart nested deeper than " + MAX_DEPTH));
                return;
            }
            List<int[]> parts;
            try {
                parts = MimeStructure.parts(m, bodyStart, end, boundary);
            } catch (MimeProblem e) {
                faults.add(new Fault(MimeFault.BROKEN_MULTIPART, e.getMessage()));
                return;
            }
            for (int[] part : parts) {
                walk(m, part[0], part[1], rewrites, edits, faults, depth + 1);
            }
        } else if (mime.equals("text/html") && rewrites.html() != null
                || mime.equals("text/plain") && rewrites.text() != null && !attachment(headers)) {
            Edit e = rewritePart(m, bodyStart, end, headers, type, mime, mime.equals("text/html") ? rewrites.html() : rewrites.text(),
                    faults);
            if (e != null) {
                edits.add(e);
            }
        }
        // message/rfc822, text/x-amp-html and everything else: left alone
    }

    /** A part sent as a file: its bytes are the file's, whatever links they hold. */
    private static boolean attachment(Map<String, String> headers) {
        String disposition = headers.get("content-disposition");
        return disposition != null && field(disposition).getValue().trim().equalsIgnoreCase("attachment");
    }

    private Edit rewritePart(byte[] m, int start, int end, Map<String, String> headers, RawBody type, String mime,
                             PartRewrite rewrite, List<Fault> faults) {
        String cte = headers.getOrDefault("content-transfer-encoding", "7bit").trim().toLowerCase(Locale.ROOT);
        String charset = param(type, "charset");
        // the body's own trailing line ends stay where they are
        int contentEnd = end;
        while (contentEnd > start && (m[contentEnd - 1] == '\r' || m[contentEnd - 1] == '\n')) {
            contentEnd--;
        }
        if (maxPartSize > 0 && contentEnd - start > maxPartSize) {
            faults.add(new Fault(MimeFault.TOO_LARGE, mime + " part of " + (contentEnd - start) + " bytes, over " + maxPartSize));
            return null;
        }
        byte[] encoded;
        try {
            PartText part = PartText.read(Arrays.copyOfRange(m, start, contentEnd), cte, charset);
            String after = rewrite.rewrite(part.text(), part.bytesAsLatin1());
            encoded = after.equals(part.text()) ? null : part.encode(after);
            if (part.bytesAsLatin1()) {
                faults.add(new Fault(MimeFault.WRONG_CHARSET, mime + " " + (cte.isEmpty() ? "7bit" : cte) + " is not "
                        + (charset == null ? "us-ascii" : charset.strip()) + ": tracked on its bytes"));
            }
            if (encoded == null) {
                return null;
            }
        } catch (PartText.Refused e) {
            faults.add(new Fault(e.fault, e.getMessage()));
            return null;
        } catch (RuntimeException e) {
            faults.add(new Fault(MimeFault.REWRITE_FAILED, e.toString())); // the message still goes, with its id
            return null;
        }
        int trimmed = encoded.length;
        while (trimmed > 0 && (encoded[trimmed - 1] == '\r' || encoded[trimmed - 1] == '\n')) {
            trimmed--;
        }
        return new Edit(start, contentEnd, Arrays.copyOf(encoded, trimmed));
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

}
