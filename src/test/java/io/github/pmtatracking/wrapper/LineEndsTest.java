package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two line walks over whole messages, {@link DotStuffing#toWire} and {@link PartText#limitLines},
 * against plain byte-by-byte versions of their rules, over random bytes rich in CR, LF, dots,
 * spaces, '>' and long lines.
 */
class LineEndsTest {

    private static final byte[] ALPHABET = {'\r', '\n', '.', ' ', '>', 'a', 'b', (byte) 0xc3, (byte) 0xa9, 0};

    @Test
    void dotStuffingIsEveryLineEndedByCrlfAndALeadingDotDoubled() {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] message = randomBytes(random, random.nextInt(200), 0);
            ByteBuf wire = DotStuffing.toWire(message);
            assertArrayEquals(referenceWire(message), ByteBufUtil.getBytes(wire), () -> ByteBufUtil.hexDump(message));
            wire.release();
        }
    }

    @Test
    void limitingLinesBreaksOnlyLongLinesAndEndsEveryLineWithCrlf() {
        Random random = new Random(11);
        for (int round = 0; round < 4_000; round++) {
            byte[] text = randomBytes(random, random.nextInt(4000), random.nextInt(3));
            int r = round;
            assertArrayEquals(referenceLimit(text), PartText.limitLines(text), () -> "round " + r);
        }
        byte[] clean = "<p>a</p>\r\n<p>b</p>".getBytes(StandardCharsets.US_ASCII);
        assertSame(clean, PartText.limitLines(clean), "nothing to change: the same bytes");
    }

    /** Random bytes; with long > 0 mostly letters and spaces, so that lines pass 998 octets. */
    private static byte[] randomBytes(Random random, int n, int longLines) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = longLines > 0 && random.nextInt(40) != 0 ? (byte) (random.nextInt(8) == 0 ? ' ' : 'x') : ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return b;
    }

    private static byte[] referenceWire(byte[] m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (int i = 0; i < m.length; i++) {
            if (lineStart && m[i] == '.') {
                out.write('.');
            }
            lineStart = false;
            if (m[i] == '\r' || m[i] == '\n') {
                out.writeBytes(new byte[] {'\r', '\n'});
                if (m[i] == '\r' && i + 1 < m.length && m[i + 1] == '\n') {
                    i++;
                }
                lineStart = true;
            } else {
                out.write(m[i]);
            }
        }
        if (!lineStart) {
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        out.writeBytes(new byte[] {'.', '\r', '\n'});
        return out.toByteArray();
    }

    /** Lines split at LF (a CR before it is the line end's); a line over 998 octets cut after its last '>' or space before 990. */
    private static byte[] referenceLimit(byte[] t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean changed = false;
        int start = 0;
        while (start < t.length) {
            int lf = start;
            while (lf < t.length && t[lf] != '\n') {
                lf++;
            }
            boolean crlf = lf < t.length && lf > start && t[lf - 1] == '\r';
            int end = crlf ? lf - 1 : lf;
            int from = start;
            while (end - from > 998) {
                int cut = -1;
                for (int i = from + 989; i > from; i--) {
                    if (t[i] == '>' || t[i] == ' ') {
                        cut = i;
                        break;
                    }
                }
                if (cut < 0) {
                    break;
                }
                out.write(t, from, cut + 1 - from);
                out.writeBytes(new byte[] {'\r', '\n'});
                changed = true;
                from = cut + 1;
            }
            out.write(t, from, end - from);
            if (lf < t.length) {
                out.writeBytes(new byte[] {'\r', '\n'});
                changed |= !crlf;
            }
            changed |= end - from > 998;
            start = lf + 1;
        }
        return changed ? out.toByteArray() : t;
    }
}
