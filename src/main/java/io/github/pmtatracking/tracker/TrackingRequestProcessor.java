package io.github.pmtatracking.tracker;

import io.github.pmtatracking.link.ClickTarget;
import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.LinkRefusedException;
import io.github.pmtatracking.link.TrackingAction;
import io.github.pmtatracking.link.TrackingLink;
import io.netty.handler.codec.http.HttpRequest;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyChannelBufferStreamCacheOnCompletion;
import org.apache.camel.component.netty.http.NettyHttpMessage;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.UnitOfWorkHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode step of {@code routes/tracker.yaml}: checks the method and path, decodes the link and
 * stamps its event (time, user agent, client IP, event id). The request has then been read, and the
 * exchange's message becomes the event: its body the event's JSON in the original's format (what
 * {@code tracker-events} pushes onto the Redis list), its header {@value #EVENT_TYPE} the event's
 * type ({@code open}, {@code initial_open}, {@code click}); a HEAD's event says
 * {@code "method":"HEAD"} (tracker.queue_head_requests). A request that makes no event (a refusal)
 * leaves an empty message. What to answer is left for the route's answer steps: a
 * refusal's {@link TrackingRefusal} in the exchange property {@value #REFUSAL}, a click's Location
 * in {@value #LOCATION}, and neither for an open (the pixel). An open's event so carries no
 * property at all, which keeps the copies made on its way to Redis small.
 *
 * <p>A Camel processor rather than a plain bean because it reads the raw Netty request (the exact
 * request target, the peer address). The event gets a fresh message rather than the request's, so
 * the copy handed to {@code tracker-events} holds the event alone, not the Netty request.
 */
public final class TrackingRequestProcessor implements Processor {

    /** Header of the event message: {@code open}, {@code initial_open} or {@code click}; absent when there is no event. */
    public static final String EVENT_TYPE = "TrackingEventType";
    /** Exchange property: a click's Location (the answer is a redirect). */
    public static final String LOCATION = "trackingLocation";
    /** Exchange property: the {@link TrackingRefusal} of a refused request (the answer is that refusal). */
    public static final String REFUSAL = "trackingRefusal";
    /** Exchange property: an event of the tracker's own warm-up ({@link TrackerWarmUp}), never queued for Redis. */
    public static final String WARM_UP = "trackingWarmUp";

    private static final Logger LOG = LoggerFactory.getLogger(TrackingRequestProcessor.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("tracker.events");
    /** Where the warm-up's events are logged: a logger that writes to nothing ({@link TrackerWarmUp}). */
    static final String WARM_UP_EVENTS_LOG = "tracker.events.warm-up";
    private static final Logger WARM_UP_EVENTS = LoggerFactory.getLogger(WARM_UP_EVENTS_LOG);

    private final LinkCodec codec;
    private final ClientAddress clientAddress;
    private final TrackerStats stats;
    private final boolean logEvents;
    private final boolean queueHeads;
    private final TrackerWarmUp warmUp;

    public TrackingRequestProcessor(LinkCodec codec, ClientAddress clientAddress, TrackerStats stats, boolean logEvents,
                                    boolean queueHeads, TrackerWarmUp warmUp) {
        this.codec = codec;
        this.warmUp = warmUp;
        this.clientAddress = clientAddress;
        this.stats = stats;
        this.logEvents = logEvents;
        this.queueHeads = queueHeads;
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
        // one of the start's own warm-up requests: answered as any, but not counted, logged or queued
        boolean own = warmUp != null && warmUp.marks(request);

        // the request is read: from here the message is the event (or nothing), never the request,
        // so no request header is ever answered back and no copy of the event holds the request
        Message event = new DefaultMessage(exchange);
        exchange.setMessage(event);
        releaseRequestBuffer(exchange);

        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            refuse(exchange, new TrackingRefusal(405, "method_not_allowed", "only GET and HEAD", "GET, HEAD"), own);
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
            refuse(exchange, new TrackingRefusal(status, e.reason().label(), "invalid tracking link: " + e.getMessage(), null), own);
            return;
        }
        if (link.action() == TrackingAction.CLICK) {
            // as the browser would have followed the href: links an older wrapper wrapped with a
            // TAB, CR or LF in them still redirect (java<TAB>script: cleans to javascript: and is refused)
            String clickTarget = ClickTarget.ofHref(link.targetUrl());
            String problem = unsafeTarget(clickTarget);
            if (problem != null) {
                refuse(exchange, new TrackingRefusal(400, "bad_target", problem, null), own);
                return;
            }
            exchange.setProperty(LOCATION, location(clickTarget));
        }
        if (head) {
            if (!own) {
                stats.head(); // scanners and link prefetchers: same headers, and an event of its own
            }
            if (!queueHeads) {
                return;
            }
        } else if (!own) {
            stats.event(link.action());
        }
        long now = System.currentTimeMillis() / 1000;
        String ip = clientAddress.resolve(peer, realIp, forwardedFor);
        String ua = userAgent == null ? "" : HeaderText.decode(userAgent);
        // a decimal in 0..2^63-1, SparkPost's event_id form; made now so a re-sent event keeps it
        String eventId = Long.toUnsignedString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        event.setBody(TrackingEventJson.of(link, now, ua, ip, eventId, head));
        event.setHeader(EVENT_TYPE, link.action().eventType());
        if (own) {
            // on the way every event takes, up to tracker-events' buffer, which hands it to the warm-up's own route
            exchange.setProperty(WARM_UP, Boolean.TRUE);
        }
        if (logEvents && !head) {
            (own ? WARM_UP_EVENTS : EVENTS).info("{}{} {} {} {} {}}", '{', link.action().eventType(), link.targetUrl(), now, ua, ip);
        }
    }

    /**
     * The request's buffer goes back to Netty now, on the I/O thread that read it. Left to the
     * exchange, its release would be handed over with the event's copy to tracker-events' thread:
     * a buffer released on another thread than its own, a hand-over per event (JFR: 3% of the
     * tracker's CPU together), and, while Redis is away, every buffered event holding its request.
     */
    private static void releaseRequestBuffer(Exchange exchange) {
        UnitOfWork uow = exchange.getUnitOfWork();
        if (uow == null) {
            return;
        }
        Exchange request = new DefaultExchange(exchange.getContext());
        uow.handoverSynchronization(request, s -> s instanceof NettyChannelBufferStreamCacheOnCompletion);
        List<Synchronization> released = request.getExchangeExtension().handoverCompletions();
        if (released != null) {
            UnitOfWorkHelper.doneSynchronizations(request, released);
        }
    }

    private void refuse(Exchange exchange, TrackingRefusal refusal, boolean own) {
        if (!own) {
            stats.refuse(refusal.reason());
        }
        exchange.setProperty(REFUSAL, refusal);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Refused with {} ({}): {}", refusal.status(), refusal.reason(), refusal.text());
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
