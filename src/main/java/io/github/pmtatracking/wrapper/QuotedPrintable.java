package io.github.pmtatracking.wrapper;

import java.util.Arrays;

/**
 * Quoted-printable (RFC 2045 6.7) both ways, such that decoding what was encoded gives every byte
 * back. mime4j's codec does not serve here: its strict decoder still passes {@code =ZZ} through as
 * text, and its text-mode encoder writes a bare CR or LF as it is, which the wire then turns into
 * CRLF. So decoding refuses anything it would have to guess at (a bad escape, a broken soft line
 * break, a bare CR or LF), and encoding writes every byte but printable ASCII as {@code =XX}, with
 * only CRLF pairs as line breaks.
 */
final class QuotedPrintable {

    /** Encoded text that does not decode without guessing. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 76;

    private QuotedPrintable() {
    }

    static byte[] decode(byte[] in) throws Malformed {
        int n = in.length;
        byte[] out = new byte[n];
        int o = 0;
        int blanks = -1; // where a run of literal spaces and tabs began in out: transport padding if it ends the line
        int i = 0;
        while (i < n) {
            byte b = in[i];
            if (b == '=') {
                blanks = -1; // a blank before '=' is not at the end of its line
                int hi = hex(in, i + 1);
                int lo = hi >= 0 ? hex(in, i + 2) : -1;
                if (lo >= 0) {
                    out[o++] = (byte) (hi << 4 | lo);
                    i += 3;
                    continue;
                }
                // a soft line break: '=', perhaps transport padding, then CRLF or the end of the part
                int j = i + 1;
                while (j < n && (in[j] == ' ' || in[j] == '\t')) {
                    j++;
                }
                if (j == n) {
                    break;
                }
                if (in[j] == '\r' && j + 1 < n && in[j + 1] == '\n') {
                    i = j + 2;
                    continue;
                }
                throw new Malformed("quoted-printable: bad escape or soft line break at offset " + i);
            }
            if (b == '\r' && i + 1 < n && in[i + 1] == '\n') {
                if (blanks >= 0) {
                    o = blanks; // trailing blanks were added in transport: RFC 2045 says delete them
                }
                out[o++] = '\r';
                out[o++] = '\n';
                blanks = -1;
                i += 2;
                continue;
            }
            if (b == '\r' || b == '\n') {
                throw new Malformed("quoted-printable: bare CR or LF at offset " + i);
            }
            if (b == ' ' || b == '\t') {
                blanks = blanks < 0 ? o : blanks;
            } else {
                blanks = -1;
            }
            out[o++] = b; // 8-bit bytes are not allowed here but mean themselves: clients read them so
            i++;
        }
        if (blanks >= 0) {
            o = blanks;
        }
        return Arrays.copyOf(out, o);
    }

    /** Lines of at most 76 characters; a CRLF pair in the bytes is a line break, every other CR or LF is escaped. */
    static byte[] encode(byte[] in) {
        int n = in.length;
        byte[] out = new byte[n + n / 4 + 16]; // mostly text: grown when escapes need more
        int o = 0;
        int col = 0;
        boolean blankLast = false; // the last byte written is a literal space or tab
        for (int i = 0; i < n; i++) {
            if (o + 8 > out.length) {
                out = Arrays.copyOf(out, out.length * 2); // room for a soft break and an escape
            }
            int b = in[i] & 0xff;
            if (b == '\r' && i + 1 < n && in[i + 1] == '\n') {
                out[o++] = '\r';
                out[o++] = '\n';
                col = 0;
                blankLast = false;
                i++;
                continue;
            }
            boolean lineEnd = i + 1 == n || (in[i + 1] == '\r' && i + 2 < n && in[i + 2] == '\n');
            boolean blank = b == ' ' || b == '\t';
            boolean literal = (b >= 33 && b <= 126 && b != '=') || (blank && !lineEnd);
            int width = literal ? 1 : 3;
            if (col + width > (lineEnd ? MAX_LINE : MAX_LINE - 1)) {
                // a soft line break; a literal blank may not end an encoded line, so it moves to the next one
                byte moved = blankLast ? out[--o] : 0;
                out[o++] = '=';
                out[o++] = '\r';
                out[o++] = '\n';
                col = 0;
                if (blankLast) {
                    out[o++] = moved;
                    col = 1;
                }
            }
            if (literal) {
                out[o++] = (byte) b;
            } else {
                out[o++] = '=';
                out[o++] = HEX[b >> 4];
                out[o++] = HEX[b & 0xf];
            }
            col += width;
            blankLast = literal && blank;
        }
        return Arrays.copyOf(out, o);
    }

    private static int hex(byte[] in, int at) {
        if (at >= in.length) {
            return -1;
        }
        int c = in[at];
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10; // lower case is not what RFC 2045 writes, but it is unambiguous
        }
        return -1;
    }
}
