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
        ByteBuf out = Unpooled.buffer(message.length + message.length / 50 + 8);
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                out.writeByte('\r').writeByte('\n');
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.writeByte('.');
            }
            out.writeByte(b);
            lineStart = false;
        }
        if (!lineStart) {
            out.writeByte('\r').writeByte('\n');
        }
        out.writeByte('.').writeByte('\r').writeByte('\n');
        return out;
    }
}
