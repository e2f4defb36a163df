package io.github.pmtatracking.wrapper;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The client side of the proxy's wire: command lines, then, after DATA, the message.
 *
 * <p>Only CRLF.CRLF ends the data (RFC 5321). A bare LF or bare CR never ends it: inside the
 * message it is normalised to CRLF (as Postfix's {@code smtpd_forbid_bare_newline = normalize}),
 * so once the message is dot-stuffed again on its way upstream no sequence of the CVE-2023-51764
 * class can read as end of data or as a command there. Leading dots are removed (dot-unstuffing).
 * Past the size limit (or a line of more than 1 MB without its end) the data is still read to its
 * end but no longer kept.
 *
 * <p>A command line ends at LF, a CR just before it dropped: a bare LF ends a command too (RFC 5321
 * 2.3.8 says it should not; Postfix's default accepts it, and every line goes upstream re-framed
 * with CRLF, so the proxy and the upstream always agree where a command ends). A CR anywhere else
 * stays in the line, for {@link SmtpCommandPolicy} to refuse. Lines are decoded as strict UTF-8
 * (an overlong NUL, C0 80, is refused too), so what is relayed is exactly what was sent.
 *
 * <p>Written here because Netty's SMTP codec is client-side only and SubEthaSMTP's data reader
 * is tied to its own blocking server.
 */
final class SmtpServerDecoder extends ByteToMessageDecoder {

    /** A command line (CR LF removed) and its length in octets. */
    record Line(String text, int octets) {
    }

    /** A command line discarded unread: longer than any command may be, or not UTF-8. */
    record BadLine(CommandRefusal reason) {
    }

    /**
     * The end of the data: the message (unstuffed, CRLF line ends); or, empty, oversize when it
     * passed the limit, or noMemory when the proxy's message memory could not hold it.
     */
    record Message(byte[] content, long size, boolean oversize, boolean noMemory, long reserved) {
    }

    private static final int MAX_LINE = SmtpCommandPolicy.MAX_AUTH_LINE; // the longest any command may be; never buffered past it
    private static final int MAX_DATA_LINE = 1024 * 1024;

    private final long maxMessageSize;
    private final MessageMemory memory;
    private long reserved; // of memory, for the message being read: handed to it at its end (Message.reserved)
    private boolean noMemory;
    private boolean dataMode;
    private boolean discardingLine;
    /** Inside an SMTP line that bare LFs have cut into segments (only CRLF ends a line in the data). */
    private boolean inLogicalLine;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    private ByteBuf message;
    private long size;
    private boolean oversize;

    SmtpServerDecoder(long maxMessageSize) {
        this(maxMessageSize, new MessageMemory(Long.MAX_VALUE));
    }

    /** @param memory the proxy's message memory: a message read holds its share until its final reply (Message.reserved) */
    SmtpServerDecoder(long maxMessageSize, MessageMemory memory) {
        this.maxMessageSize = maxMessageSize;
        this.memory = memory;
    }

    /** Switches to reading a message; called when the proxy has answered DATA with 354. */
    void startData() {
        dataMode = true;
        message = Unpooled.buffer(64 * 1024);
        size = 0;
        oversize = false;
        noMemory = false;
        inLogicalLine = false;
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
            out.add(new BadLine(CommandRefusal.TOO_LONG));
            return true;
        }
        int start = in.readerIndex();
        int end = len > 0 && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        in.readerIndex(lf + 1);
        try {
            out.add(new Line(utf8.decode(in.nioBuffer(start, end - start)).toString(), end - start));
        } catch (CharacterCodingException e) {
            out.add(new BadLine(CommandRefusal.INVALID_UTF8));
        }
        return true;
    }

    private boolean decodeData(ByteBuf in, List<Object> out) {
        // Clean lines (CRLF-ended, no leading dot, no other CR) are kept as one run, copied once
        // when a line needing more care or the end of the input comes: one copy per read instead of
        // three writes per line (the per-line writes were most of this decoder's CPU under load).
        int run = -1;
        while (in.isReadable()) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                run = keepRun(in, run, in.readerIndex());
                if (in.readableBytes() > MAX_DATA_LINE) {
                    // a line without end beyond any limit: the message is refused as too big
                    size += in.readableBytes() - 1;
                    overflow();
                    in.skipBytes(in.readableBytes() - 1);
                }
                return false; // wait for the rest of the line
            }
            int start = in.readerIndex();
            boolean crlf = lf > start && in.getByte(lf - 1) == '\r';
            int end = crlf ? lf - 1 : lf;
            int len = end - start;
            if (crlf && !inLogicalLine && !(len > 0 && in.getByte(start) == '.') && in.indexOf(start, end, (byte) '\r') < 0) {
                if (run < 0) {
                    run = start;
                }
                in.readerIndex(lf + 1);
                continue;
            }
            run = keepRun(in, run, start);
            in.readerIndex(lf + 1);
            if (!crlf) {
                // a bare LF ends a segment of the SMTP line, not the line: the segment is kept at
                // once with the LF as CRLF (held back until the line's CRLF, a message sent with bare
                // LFs throughout was one unbounded line, past the size limit and the message memory)
                keepSegment(in, start, len, !inLogicalLine);
                inLogicalLine = true;
                continue;
            }
            if (inLogicalLine) {
                keepSegment(in, start, len, false); // the line's last segment: no end of data, no unstuffing
                inLogicalLine = false;
                continue;
            }
            if (len == 1 && in.getByte(start) == '.') {
                dataMode = false;
                byte[] content = oversize || noMemory ? new byte[0] : ByteBufUtil.getBytes(message);
                message.release();
                message = null;
                long held = reserved; // the message's now: released with its final reply (MessageMemory.holding)
                reserved = 0;
                out.add(new Message(content, size, oversize, noMemory && !oversize, held));
                return true;
            }
            int from = len > 0 && in.getByte(start) == '.' ? start + 1 : start; // dot-unstuffing
            if (in.indexOf(from, end, (byte) '\r') >= 0) {
                byte[] l = new byte[end - from];
                in.getBytes(from, l);
                keepSlow(l, 0);
            } else {
                keep(in, from, end - from);
            }
        }
        keepRun(in, run, in.readerIndex());
        return false;
    }

    /** Keeps the clean lines from {@code run} (none when -1) up to {@code upTo}, their CRLFs included; returns -1. */
    private int keepRun(ByteBuf in, int run, int upTo) {
        if (run >= 0 && upTo > run) {
            size += upTo - run;
            if (keeping()) {
                message.writeBytes(in, run, upTo - run);
            }
        }
        return -1;
    }

    /** A segment of a line cut by bare LFs, its end as CRLF; the line's first segment is dot-unstuffed. */
    private void keepSegment(ByteBuf in, int start, int len, boolean lineStart) {
        int from = lineStart && len > 0 && in.getByte(start) == '.' ? start + 1 : start;
        byte[] l = new byte[start + len - from];
        in.getBytes(from, l);
        keepSlow(l, 0);
    }

    private void keep(ByteBuf in, int index, int n) {
        size += n + 2;
        if (keeping()) {
            message.writeBytes(in, index, n).writeByte('\r').writeByte('\n');
        }
    }

    /** A line holding bare CR or LF: each becomes CRLF. */
    private void keepSlow(byte[] l, int from) {
        ByteBuf normalized = Unpooled.buffer(l.length + 16);
        for (int i = from; i < l.length; i++) {
            byte b = l[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < l.length && l[i + 1] == '\n') {
                    i++;
                }
                normalized.writeByte('\r').writeByte('\n');
            } else {
                normalized.writeByte(b);
            }
        }
        keep(normalized, 0, normalized.readableBytes());
        normalized.release();
    }

    /** Whether the message, now {@code size} bytes long, is still kept: within the size limit and the message memory. */
    private boolean keeping() {
        if (oversize) {
            return false;
        }
        if (maxMessageSize > 0 && size > maxMessageSize) {
            overflow();
            return false;
        }
        if (size > reserved && !noMemory) {
            long need = size - reserved;
            // in steps, not per line: an eighth more than the message has (a tiny one 4 KiB, so 128
            // sessions with one line each do not fill 32 MB), at most 256 KiB at a time
            long step = Math.max(need, Math.min(MessageMemory.STEP, Math.max(MessageMemory.MIN_STEP, size / 8)));
            if (!memory.reserve(step)) {
                step = need; // what is left of the budget may still hold this much
                if (!memory.reserve(step)) {
                    noMemory = true; // read on to the end of the data, keeping nothing, and refused then
                    discard();
                    return false;
                }
            }
            reserved += step;
        }
        return !noMemory;
    }

    private void overflow() {
        if (!oversize) {
            oversize = true;
            discard();
        }
    }

    /** Nothing more is kept of this message: its buffer and its share of the message memory go at once. */
    private void discard() {
        message.release();
        message = Unpooled.EMPTY_BUFFER;
        releaseMemory();
    }

    /** The message being read leaves the proxy's message memory: refused on the way, or its session ended. */
    private void releaseMemory() {
        if (reserved > 0) {
            memory.release(reserved);
            reserved = 0;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (message != null) {
            message.release();
            message = null;
        }
        releaseMemory();
    }
}
