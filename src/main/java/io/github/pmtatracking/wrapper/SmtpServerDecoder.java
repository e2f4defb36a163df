package io.github.pmtatracking.wrapper;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The client side of the proxy's wire: command lines, then, after DATA, the message.
 *
 * <p>Only CRLF.CRLF ends the data (RFC 5321). A bare LF or bare CR never ends it: inside the
 * message it is normalised to CRLF (as Postfix's {@code smtpd_forbid_bare_newline = normalize}),
 * so once the message is dot-stuffed again on its way upstream no sequence of the CVE-2023-51764
 * class can read as end of data or as a command there. Leading dots are removed (dot-unstuffing).
 * Past the size limit the data is still read to its end but no longer kept.
 *
 * <p>Written here because Netty's SMTP codec is client-side only and SubEthaSMTP's data reader
 * is tied to its own blocking server.
 */
final class SmtpServerDecoder extends ByteToMessageDecoder {

    /** A command line (CR LF removed). */
    record Line(String text) {
    }

    /** A command line longer than the limit (discarded). */
    record LineTooLong() {
    }

    /** The end of the data: the message (unstuffed, CRLF line ends), or oversize when it passed the limit. */
    record Message(byte[] content, long size, boolean oversize) {
    }

    private static final int MAX_LINE = 16 * 1024; // AUTH lines carry base64 blobs
    private static final int MAX_DATA_LINE = 1024 * 1024;

    private final long maxMessageSize;
    private boolean dataMode;
    private boolean discardingLine;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private ByteArrayOutputStream message;
    private long size;
    private boolean oversize;

    SmtpServerDecoder(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Switches to reading a message; called when the proxy has answered DATA with 354. */
    void startData() {
        dataMode = true;
        message = new ByteArrayOutputStream(16 * 1024);
        size = 0;
        oversize = false;
        line.reset();
    }

    boolean inData() {
        return dataMode;
    }

    /** Bytes received and not yet decoded (pipelined after a command that must end the pipeline). */
    int pendingBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (dataMode) {
                if (!decodeData(in, out)) {
                    return;
                }
            } else if (!decodeCommand(in, out)) {
                return;
            }
            if (!out.isEmpty()) {
                return; // one item per call: the handler may switch the mode before the next
            }
        }
    }

    private boolean decodeCommand(ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > MAX_LINE) {
                discardingLine = true;
                in.skipBytes(in.readableBytes());
            }
            return false;
        }
        int len = lf - in.readerIndex();
        if (discardingLine || len > MAX_LINE) {
            discardingLine = false;
            in.readerIndex(lf + 1);
            out.add(new LineTooLong());
            return true;
        }
        int end = len > 0 && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        String text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
        in.readerIndex(lf + 1);
        out.add(new Line(text));
        return true;
    }

    private boolean decodeData(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                // move what came into the line, but a possible CR of a CRLF split across reads
                appendToLine(in, in.readableBytes() - 1);
                if (line.size() > Math.max(MAX_DATA_LINE, maxMessageSize)) {
                    size += line.size(); // a line without end beyond any limit: the message is refused as too big
                    oversize = true;
                    message.reset();
                    line.reset();
                }
                return false;
            }
            boolean crlf = lf > in.readerIndex() && in.getByte(lf - 1) == '\r';
            appendToLine(in, lf - in.readerIndex() - (crlf ? 1 : 0));
            in.readerIndex(lf + 1);
            if (!crlf) {
                line.write('\n'); // a bare LF: part of the line, normalised below
                continue;
            }
            byte[] l = line.toByteArray();
            line.reset();
            if (l.length == 1 && l[0] == '.') {
                dataMode = false;
                out.add(new Message(oversize ? new byte[0] : message.toByteArray(), size, oversize));
                message = null;
                return true;
            }
            keep(l, l.length > 0 && l[0] == '.' ? 1 : 0);
        }
        return false;
    }

    private void appendToLine(ByteBuf in, int n) {
        if (n <= 0) {
            return;
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        line.write(b, 0, n);
    }

    /** Appends a line with bare CR and bare LF turned into CRLF, then CRLF. */
    private void keep(byte[] l, int from) {
        int added = 0;
        ByteArrayOutputStream m = oversize ? null : message;
        for (int i = from; i < l.length; i++) {
            byte b = l[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < l.length && l[i + 1] == '\n') {
                    i++;
                }
                added += 2;
                if (m != null) {
                    m.write('\r');
                    m.write('\n');
                }
            } else {
                added++;
                if (m != null) {
                    m.write(b);
                }
            }
        }
        added += 2;
        if (m != null) {
            m.write('\r');
            m.write('\n');
        }
        size += added;
        if (!oversize && maxMessageSize > 0 && size > maxMessageSize) {
            oversize = true;
            message.reset();
        }
    }
}
