package io.github.pmtatracking.wrapper;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A message on its way upstream: every line ended by CRLF (a bare CR or LF becomes CRLF), every
 * line starting with a dot gets another, then the {@code .} line. Whatever the route produced, the
 * upstream can read no end of data and no command inside it.
 */
final class DotStuffing {

    private DotStuffing() {
    }

    static ByteBuf toWire(byte[] message) {
        int n = message.length;
        byte[] out = new byte[n + n / 16 + 16];
        int o = 0;
        int i = 0;
        while (i < n) {
            // at the start of a line
            if (o + 3 > out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            if (message[i] == '.') {
                out[o++] = '.';
            }
            int j = i;
            while (j < n && message[j] != '\r' && message[j] != '\n') {
                j++;
            }
            if (o + (j - i) + 5 > out.length) {
                out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, o + (j - i) + 5));
            }
            System.arraycopy(message, i, out, o, j - i); // the line in one piece
            o += j - i;
            out[o++] = '\r';
            out[o++] = '\n';
            if (j < n && message[j] == '\r' && j + 1 < n && message[j + 1] == '\n') {
                j++;
            }
            i = j + 1;
        }
        if (o + 3 > out.length) {
            out = java.util.Arrays.copyOf(out, o + 3);
        }
        out[o++] = '.';
        out[o++] = '\r';
        out[o++] = '\n';
        return Unpooled.wrappedBuffer(out, 0, o);
    }
}
