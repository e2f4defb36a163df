package io.github.pmtatracking.tracker;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's HTTP framing on one connection, between Netty's request decoder and Camel. It is
 * where a hostile or unlucky client is dealt with before it can cost the route anything:
 *
 * <ul>
 *   <li><b>No request body reaches Camel.</b> The tracker needs none. netty-http hands a chunked
 *       body to the route as a stream fed by the same I/O thread that runs the route, so anything
 *       that read it waited on itself for ever (four such requests stalled every open and click).
 *       Here a request with a body goes on at once as a request without one, and its body bytes
 *       are read and dropped as they come (the connection stays in step for the next request), up
 *       to {@value #MAX_DISCARDED_BYTES} bytes and {@code headerTimeout}, then the connection closes.</li>
 *   <li><b>HEAD answers carry headers only</b>, with the Content-Length a GET would have had
 *       (RFC 9110 9.3.2); a body after them would be read as the start of the next answer.</li>
 *   <li><b>HTTP/1.0 without Host</b> is valid (Host is required from 1.1 on); netty-http refuses any
 *       request without one, so such a request is given the local address as its Host.</li>
 *   <li><b>A request the decoder could not read</b> is answered with its precise status (414 for a
 *       request line over the limit, 431 for headers over it, 400 otherwise) and the connection
 *       closed: after a framing error the rest of the stream cannot be trusted.</li>
 *   <li><b>Timeouts</b>, as nginx has them: a connection must complete its first request header
 *       within {@code headerTimeout} (client_header_timeout) and, between requests, send the next
 *       one within {@code keepAliveTimeout} (keepalive_timeout); otherwise it is closed, so slow or
 *       idle clients cannot pile up until file descriptors run out.</li>
 *   <li><b>Back-pressure</b>: a client that pipelines requests and does not read the answers would
 *       have them pile up in memory; while the connection's outbound buffer is over Netty's high
 *       water mark, its requests are not read (TCP then slows the client down).</li>
 * </ul>
 *
 * <p>One instance per connection, only ever called on that connection's event loop: no locking.
 */
public final class HttpConnectionGuard extends ChannelDuplexHandler {

    /** Body bytes dropped per request before the connection is closed instead (nginx's client_max_body_size). */
    static final long MAX_DISCARDED_BYTES = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnectionGuard.class);

    private final TrackerStats stats;
    private final long headerTimeoutMillis;
    private final long keepAliveTimeoutMillis;

    /** For each request passed on and not yet answered, in order: whether it was a HEAD. */
    private final ArrayDeque<Boolean> unanswered = new ArrayDeque<>(2);
    private boolean discarding;
    private long discarded;
    /** When the connection is closed unless it does what it owes by then (System.nanoTime()); 0: none. */
    private long deadline;
    private String deadlineReason;
    private ScheduledFuture<?> timer;
    private long timerAt; // the deadline the pending check was scheduled for

    HttpConnectionGuard(TrackerStats stats, long headerTimeoutMillis, long keepAliveTimeoutMillis) {
        this.stats = stats;
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.keepAliveTimeoutMillis = keepAliveTimeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx, headerTimeoutMillis, "header_timeout");
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx, headerTimeoutMillis, "header_timeout");
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            disarm();
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                refuseUnreadable(ctx, request.decoderResult().cause());
                return;
            }
            boolean body = hasBody(request);
            HttpHeaders headers = request.headers();
            headers.remove(HttpHeaderNames.EXPECT); // no 100 Continue: a body is never wanted
            if (body) {
                headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
                headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
            }
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0) && !headers.contains(HttpHeaderNames.HOST)) {
                headers.set(HttpHeaderNames.HOST, String.valueOf(ctx.channel().localAddress()));
            }
            unanswered.add(request.method().equals(HttpMethod.HEAD));
            ctx.fireChannelRead(request);
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false); // until the client has read some answers
            }
            if (body) {
                stats.bodyDiscarded();
                discarding = true;
                discarded = 0;
                // the request ends here for everything after this handler: Camel answers it now
                ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                arm(ctx, headerTimeoutMillis, "body_timeout");
            }
            return;
        }
        if (discarding && msg instanceof HttpContent content) {
            boolean failed = content.decoderResult().isFailure();
            boolean last = content instanceof LastHttpContent;
            discarded += content.content().readableBytes();
            content.release();
            if (failed || discarded > MAX_DISCARDED_BYTES) {
                stats.connectionClosed(failed ? "malformed_body" : "body_too_large");
                ctx.close();
            } else if (last) {
                discarding = false;
                disarm();
                if (unanswered.isEmpty()) {
                    arm(ctx, keepAliveTimeoutMillis, "keepalive_timeout");
                }
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof HttpResponse response) || response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
            ctx.write(msg, promise);
            return;
        }
        Boolean head = unanswered.poll();
        if (Boolean.TRUE.equals(head) && msg instanceof FullHttpResponse full && full.content().isReadable()) {
            int length = full.content().readableBytes();
            FullHttpResponse headersOnly = new DefaultFullHttpResponse(full.protocolVersion(), full.status(),
                    Unpooled.EMPTY_BUFFER, full.headers(), full.trailingHeaders());
            headersOnly.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
            full.release();
            msg = headersOnly;
        }
        if (unanswered.isEmpty() && !discarding) {
            // idle from the answer on (not from its last byte leaving: no listener per answer)
            arm(ctx, keepAliveTimeoutMillis, "keepalive_timeout");
        }
        ctx.write(msg, promise);
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    private void refuseUnreadable(ChannelHandlerContext ctx, Throwable cause) {
        HttpResponseStatus status;
        String reason;
        if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            reason = "request_line_too_long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            reason = "headers_too_large";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            reason = "malformed_request";
        }
        stats.refuse(reason);
        LOG.debug("Unreadable request from {} answered {}: {}", ctx.channel().remoteAddress(), status.code(), cause.toString());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(status.reasonPhrase() + "\n", StandardCharsets.US_ASCII));
        response.headers()
                .set(HttpHeaderNames.SERVER, TrackingResponses.SERVER)
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // straight to the encoder, past this handler's own write: it answers no request of the queue
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Sets the connection's one deadline. Arming and disarming only write two fields: a request on
     * a kept-alive connection costs no timer of its own. One scheduled check per connection fires
     * at the earliest deadline set, and schedules itself again if the deadline moved on meanwhile.
     */
    private void arm(ChannelHandlerContext ctx, long millis, String reason) {
        if (millis <= 0) {
            disarm();
            return;
        }
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        deadlineReason = reason;
        if (timer != null && deadline - timerAt < 0) { // a shorter timeout than the check pending: check sooner
            timer.cancel(false);
            timer = null;
        }
        if (timer == null) {
            timerAt = deadline;
            timer = ctx.executor().schedule(() -> check(ctx), millis, TimeUnit.MILLISECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (deadline == 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            timerAt = deadline;
            timer = ctx.executor().schedule(() -> check(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        stats.connectionClosed(deadlineReason);
        LOG.debug("Closing {}: {}", ctx.channel().remoteAddress(), deadlineReason);
        ctx.close();
    }

    private void disarm() {
        deadline = 0;
    }
}
