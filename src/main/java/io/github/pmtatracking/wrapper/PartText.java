package io.github.pmtatracking.wrapper;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text of one HTML part and the way back to its bytes, such that encoding the unchanged text
 * gives back exactly the bytes it was read from: whatever the rewrite does not touch stays as it
 * came. Reading is strict (no replacement characters, no skipped junk), and a part that cannot be
 * read that way is refused and goes on as received:
 * <ul>
 *   <li>a transfer encoding that is unknown or does not decode (base64 with characters outside its
 *   alphabet or data after its padding; quoted-printable with a bad escape or soft line break);</li>
 *   <li>a charset Java does not know, or one in which ASCII is not simply ASCII (UTF-16, UTF-32,
 *   ISO-2022-*, EBCDIC): the markup the rewrite adds would be the wrong bytes there.</li>
 * </ul>
 * Bytes that do not decode in their declared, ASCII-compatible charset (Latin-1 in a part that
 * says utf-8, UTF-8 cut short) are read as ISO-8859-1 instead, in any transfer encoding: that
 * reading maps each byte to one char and back, so it is lossless, and what the rewrite looks at
 * and adds is ASCII, which means the same bytes in both readings (in these charsets no byte of a
 * multi-byte character is a quote, '<', '>', '=' or a space, and the client's decoder, meeting a
 * bad sequence, never swallows the ASCII byte after it). Tracking such a part rather than passing
 * it on untracked keeps the opens and clicks of the many messages whose only fault is a wrong
 * label. A link with 8-bit bytes in its source could mean another URL to the client than to us,
 * so the caller wraps only ASCII links then ({@link #bytesAsLatin1()}). Bytes with NUL in them are
 * no text in any such charset (UTF-16 mislabelled, binary data) and are refused: a pixel appended
 * to them would corrupt them. PartTextTest checks the round trips over every charset Java has.
 */
final class PartText {

    /** Why a part cannot be read so that it comes back the same. */
    static final class Refused extends Exception {
        final MimeFault fault;

        Refused(MimeFault fault, String message) {
            super(message, null, false, false);
            this.fault = fault;
        }
    }

    /** 7bit and 8bit lines may not pass 998 octets (RFC 5322); a cut line is cut before 990, as before. */
    private static final int MAX_LINE = 998;
    private static final int CUT_BEFORE = 990;
    private static final Map<Charset, Boolean> ASCII_COMPATIBLE = new ConcurrentHashMap<>();
    private static final byte[] CRLF = {'\r', '\n'};

    private final String text;
    private final boolean bytesAsLatin1;
    private final String cte;
    private final Charset charset;

    private PartText(String text, boolean bytesAsLatin1, String cte, Charset charset) {
        this.text = text;
        this.bytesAsLatin1 = bytesAsLatin1;
        this.cte = cte;
        this.charset = charset;
    }

    /**
     * @param raw         the part's body as received, without its trailing line ends
     * @param cte         the Content-Transfer-Encoding, lower case, "" when none
     * @param charsetName the charset parameter, null when none (us-ascii, RFC 2045)
     */
    static PartText read(byte[] raw, String cte, String charsetName) throws Refused {
        byte[] bytes = switch (cte) {
            case "7bit", "8bit", "binary", "" -> raw;
            case "quoted-printable" -> quotedPrintable(raw);
            case "base64" -> base64(raw);
            default -> throw new Refused(MimeFault.UNDECODABLE_PART, "unknown Content-Transfer-Encoding " + cte);
        };
        Charset charset = charset(charsetName);
        if (!asciiCompatible(charset)) {
            throw new Refused(MimeFault.UNSAFE_CHARSET, "charset " + charset.name() + " does not write ASCII as ASCII");
        }
        String text = decode(bytes, charset);
        if (text != null) {
            return new PartText(text, false, cte, charset);
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new Refused(MimeFault.UNDECODABLE_PART, "NUL bytes in a text part declared " + charset.name());
            }
        }
        return new PartText(new String(bytes, StandardCharsets.ISO_8859_1), true, cte, StandardCharsets.ISO_8859_1);
    }

    String text() {
        return text;
    }

    /** The declared charset did not hold: the text is the bytes read as ISO-8859-1. */
    boolean bytesAsLatin1() {
        return bytesAsLatin1;
    }

    /** The changed text in the part's own charset and transfer encoding. */
    byte[] encode(String changed) throws Refused {
        byte[] bytes;
        try {
            bytes = bytes(changed, charset);
        } catch (CharacterCodingException e) {
            throw new Refused(MimeFault.REWRITE_FAILED, "the rewritten text does not fit charset " + charset.name());
        }
        return switch (cte) {
            case "quoted-printable" -> QuotedPrintable.encode(bytes);
            case "base64" -> Base64.getMimeEncoder(76, CRLF).encode(bytes);
            default -> limitLines(bytes);
        };
    }

    private static byte[] quotedPrintable(byte[] raw) throws Refused {
        try {
            return QuotedPrintable.decode(raw);
        } catch (QuotedPrintable.Malformed e) {
            throw new Refused(MimeFault.UNDECODABLE_PART, e.getMessage());
        }
    }

    /** Strict: the base64 alphabet in CRLF-ended lines, padding only at the very end. */
    private static byte[] base64(byte[] raw) throws Refused {
        byte[] compact = new byte[raw.length];
        int n = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\r' && i + 1 < raw.length && raw[i + 1] == '\n') {
                i++;
            } else {
                compact[n++] = raw[i];
            }
        }
        try {
            return Base64.getDecoder().decode(Arrays.copyOf(compact, n));
        } catch (IllegalArgumentException e) {
            throw new Refused(MimeFault.UNDECODABLE_PART, "base64 does not decode: " + e.getMessage());
        }
    }

    private static Charset charset(String name) throws Refused {
        if (name == null || name.isBlank()) {
            return StandardCharsets.US_ASCII;
        }
        try {
            return Charset.forName(name.trim());
        } catch (IllegalArgumentException e) { // IllegalCharsetNameException, UnsupportedCharsetException
            throw new Refused(MimeFault.UNKNOWN_CHARSET, "unknown charset " + abbreviate(name));
        }
    }

    /**
     * Whether ASCII is itself in this charset, each character alone: every ASCII character encodes
     * to its own single byte and that byte decodes back to it, and a character's bytes do not depend
     * on what came before (ISO-2022's shift states fail the first test already, UTF-16 and EBCDIC
     * the second). Only then do the markup bytes mean the same in every reading, and the text
     * around an edit encode to the bytes it came from.
     */
    static boolean asciiCompatible(Charset charset) {
        return ASCII_COMPATIBLE.computeIfAbsent(charset, PartText::testAsciiCompatible);
    }

    private static boolean testAsciiCompatible(Charset charset) {
        if (!charset.canEncode()) {
            return false;
        }
        try {
            for (int c = 0; c < 128; c++) {
                byte[] b = bytes(String.valueOf((char) c), charset);
                if (b.length != 1 || b[0] != c || !String.valueOf((char) c).equals(decode(b, charset))) {
                    return false;
                }
            }
            for (char probe : "\u00e9\u20ac\u0416\u05d0\u0915\u0e01\u3042\u4e2d\ud55c".toCharArray()) {
                String one = String.valueOf(probe);
                if (charset.newEncoder().canEncode(one)) {
                    byte[] single = bytes(one, charset);
                    byte[] twice = bytes(one + "a" + one, charset);
                    byte[] apart = new byte[single.length * 2 + 1];
                    System.arraycopy(single, 0, apart, 0, single.length);
                    apart[single.length] = 'a';
                    System.arraycopy(single, 0, apart, single.length + 1, single.length);
                    if (!Arrays.equals(twice, apart)) {
                        return false; // encoding depends on context: a stateful charset
                    }
                }
            }
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The text, or null when the bytes are not text in the charset or do not come back from it the same. */
    private static String decode(byte[] bytes, Charset charset) {
        try {
            String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            // strict UTF-8, US-ASCII and ISO-8859-1 are one-to-one; other charsets may map two byte
            // sequences to one character, and the second would not come back
            boolean oneToOne = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)
                    || charset.equals(StandardCharsets.ISO_8859_1);
            return oneToOne || Arrays.equals(bytes(text, charset), bytes) ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] bytes(String text, Charset charset) throws CharacterCodingException {
        // over a char array, not CharBuffer.wrap(text): the encoders' fast loop is for array-backed
        // buffers, and the String-backed one went char by char (JFR of bench/wrapper.sh with
        // tracking: 142 of 1,630 samples in UTF_8$Encoder.encodeBufferLoop)
        ByteBuffer b = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text.toCharArray()));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }

    /**
     * 7bit and 8bit lines may not pass 998 octets: a longer line is broken after a tag or at a space,
     * the last one before 990, where HTML reads the line break as whitespace. A line within the
     * limit is never cut, so every line the sender wrote within it stays as it was.
     */
    static byte[] limitLines(byte[] text) {
        // the bytes as Latin-1 chars, one each: String.indexOf finds the line ends with the JIT's
        // vectorized scan (two byte loops, then a stream written line by line, took 19 us for
        // example.eml's HTML; 2026-12-07)
        String lines = new String(text, StandardCharsets.ISO_8859_1);
        if (crlfWithinLimit(lines, text)) {
            return text;
        }
        byte[] out = new byte[text.length + text.length / 32 + 64];
        int size = 0;
        int lineStart = 0;
        while (lineStart < text.length) {
            int lf = lines.indexOf('\n', lineStart);
            int next = lf < 0 ? text.length : lf + 1;
            int contentEnd = lf < 0 ? text.length : lf > lineStart && text[lf - 1] == '\r' ? lf - 1 : lf;
            int from = lineStart;
            while (contentEnd - from > MAX_LINE) {
                int cut = lastBreak(text, from, from + CUT_BEFORE);
                if (cut < 0) {
                    break; // no place to break: the line is left as it is
                }
                out = ensure(out, size, cut + 3 - from);
                System.arraycopy(text, from, out, size, cut + 1 - from);
                size += cut + 1 - from;
                out[size++] = '\r';
                out[size++] = '\n';
                from = cut + 1;
            }
            out = ensure(out, size, contentEnd - from + 2);
            System.arraycopy(text, from, out, size, contentEnd - from);
            size += contentEnd - from;
            if (lf >= 0) {
                // lines end in CRLF on the wire: a bare LF (as in the pixels' markup) becomes CRLF here
                out[size++] = '\r';
                out[size++] = '\n';
            }
            lineStart = next;
        }
        return Arrays.copyOf(out, size);
    }

    /** Every LF has its CR, and no line's content passes {@link #MAX_LINE}. */
    private static boolean crlfWithinLimit(String lines, byte[] text) {
        int lineStart = 0;
        while (true) {
            int lf = lines.indexOf('\n', lineStart);
            if (lf < 0) {
                return text.length - lineStart <= MAX_LINE;
            }
            if (lf == 0 || text[lf - 1] != '\r' || lf - 1 - lineStart > MAX_LINE) {
                return false;
            }
            lineStart = lf + 1;
        }
    }

    private static byte[] ensure(byte[] out, int size, int more) {
        return size + more <= out.length ? out : Arrays.copyOf(out, Math.max(out.length * 2, size + more));
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
}
