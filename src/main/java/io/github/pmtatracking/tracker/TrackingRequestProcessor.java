package io.github.pmtatracking.tracker;

import io.github.pmtatracking.link.ClickTarget;
import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.LinkRefusedException;
import io.github.pmtatracking.link.TrackingAction;
import io.github.pmtatracking.link.TrackingLink;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpRequest;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tracking request: checks the method and path, decodes the link, stamps the event (time,
 * user agent, client IP, event id) and sets the answer: the GIF for an open, a 302 for a click, a
 * precise 4xx for anything else. The event, if any, is left in the {@value #EVENT} exchange
 * property for the next step of the route; nothing here waits on Redis.
 *
 * <p>A Camel processor rather than a plain bean because it reads the raw Netty request (the exact
 * request target, the peer address) and must replace every header of the answer.
 */
public final class TrackingRequestProcessor implements Processor {

    /** Exchange property holding the event JSON for the queue, absent when there is no event. */
    public static final String EVENT = "trackingEvent";

    private static final Logger LOG = LoggerFactory.getLogger(TrackingRequestProcessor.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("tracker.events");

    private final LinkCodec codec;
    private final ClientAddress clientAddress;
    private final TrackerStats stats;
    private final boolean logEvents;

    public TrackingRequestProcessor(LinkCodec codec, ClientAddress clientAddress, TrackerStats stats, boolean logEvents) {
        this.codec = codec;
        this.clientAddress = clientAddress;
        this.stats = stats;
        this.logEvents = logEvents;
    }

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        // the route's from is netty-http with mapHeaders off: the raw request is the only source
        HttpRequest request = ((NettyHttpMessage) msg).getHttpRequest();
        String method = request.method().name();
        String target = request.uri();
        String userAgent = request.headers().get("User-Agent");
        String realIp = request.headers().get("X-Real-IP");
        String forwardedFor = request.headers().get("X-Forwarded-For");
        // read raw: a typed getHeader made Camel search its converters by reflection on every request
        Object remote = msg.getHeader(NettyConstants.NETTY_REMOTE_ADDRESS);
        SocketAddress peer = remote instanceof SocketAddress a ? a : null;

        Map<String, Object> headers = msg.getHeaders();
        headers.clear(); // the answer carries only what is set below, never the request's headers
        // bodies are given as ByteBufs: anything else sends netty-http through Camel's converter
        // search, which cost more than the rest of the request
        msg.setBody(Unpooled.EMPTY_BUFFER);
        headers.put("Server", TrackingResponses.SERVER);

        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            refuse(msg, 405, "method_not_allowed", "only GET and HEAD");
            headers.put("Allow", "GET, HEAD");
            return;
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        TrackingLink link;
        try {
            DecodedLink decoded = codec.decodePath(path);
            link = decoded.link();
        } catch (LinkRefusedException e) {
            int status = e.reason() == LinkRefusedException.Reason.PATH_TOO_LONG ? 414 : 400;
            refuse(msg, status, e.reason().label(), "invalid tracking link: " + e.getMessage());
            return;
        }
        if (link.action() == TrackingAction.CLICK) {
            // as the browser would have followed the href: links an older wrapper wrapped with a
            // TAB, CR or LF in them still redirect (java<TAB>script: cleans to javascript: and is refused)
            String clickTarget = ClickTarget.ofHref(link.targetUrl());
            String problem = unsafeTarget(clickTarget);
            if (problem != null) {
                refuse(msg, 400, "bad_target", problem);
                return;
            }
            headers.put(Exchange.HTTP_RESPONSE_CODE, 302);
            headers.put("Location", location(clickTarget));
            headers.put(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            headers.put("Cache-Control", TrackingResponses.NO_CACHE);
        } else {
            headers.put(Exchange.HTTP_RESPONSE_CODE, 200);
            headers.put(Exchange.CONTENT_TYPE, "image/gif");
            headers.put("Cache-Control", TrackingResponses.NO_CACHE);
            msg.setBody(Unpooled.wrappedBuffer(TrackingResponses.TRANSPARENT_GIF));
        }
        if (head) {
            stats.head(); // scanners and link prefetchers: same headers, no event
            return;
        }
        stats.event(link.action());
        long now = System.currentTimeMillis() / 1000;
        String ip = clientAddress.resolve(peer, realIp, forwardedFor);
        String ua = userAgent == null ? "" : HeaderText.decode(userAgent);
        // a decimal in 0..2^63-1, SparkPost's event_id form; made now so a re-sent event keeps it
        String eventId = Long.toUnsignedString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        exchange.setProperty(EVENT, TrackingEventJson.of(link, now, ua, ip, eventId));
        if (logEvents) {
            EVENTS.info("{}{} {} {} {} {}}", '{', link.action().eventType(), link.targetUrl(), now, ua, ip);
        }
    }

    private void refuse(Message msg, int status, String reason, String text) {
        stats.refuse(reason);
        Map<String, Object> headers = msg.getHeaders();
        headers.put(Exchange.HTTP_RESPONSE_CODE, status);
        headers.put(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        msg.setBody(Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        if (LOG.isDebugEnabled()) {
            LOG.debug("Refused with {} ({}): {}", status, reason, text);
        }
    }

    /** Why a click target must not be redirected to, or null: the check the wrapper applies too. */
    static String unsafeTarget(String target) {
        return ClickTarget.unsafe(target);
    }

    /** The target as a Location value: spaces and non-ASCII percent-encoded (UTF-8), the rest as is. */
    static String location(String target) {
        StringBuilder sb = null;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c > 0x20 && c < 0x7f) {
                if (sb != null) {
                    sb.append(c);
                }
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(target.length() + 16).append(target, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < target.length() ? i + 2 : i + 1;
            for (byte b : target.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            i = end - 1;
        }
        return sb == null ? target : sb.toString();
    }
}
