package io.github.pmtatracking.tracker;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The answer steps of {@code routes/tracker.yaml}, one bean per kind: {@code trackingPixel} (the
 * 43-byte GIF for an open), {@code trackingRedirect} (302 to the click's target) and
 * {@code trackingRefusal} (the precise 400, 405 or 414 and why). Each replaces every header of the
 * message (the event's type header included), so the answer carries only what is set here; a step
 * after it may add more.
 *
 * <p>Bodies are given as ByteBufs: anything else sends netty-http through Camel's converter search,
 * which cost more than the rest of the request.
 */
public final class TrackingAnswer implements Processor {

    /** What the answer is. */
    public enum Kind { PIXEL, REDIRECT, REFUSAL }

    private final Kind kind;

    public TrackingAnswer(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        Map<String, Object> headers = msg.getHeaders();
        headers.clear();
        headers.put("Server", TrackingResponses.SERVER);
        switch (kind) {
            case PIXEL -> {
                headers.put(Exchange.HTTP_RESPONSE_CODE, 200);
                headers.put(Exchange.CONTENT_TYPE, "image/gif");
                headers.put("Cache-Control", TrackingResponses.NO_CACHE);
                msg.setBody(Unpooled.wrappedBuffer(TrackingResponses.TRANSPARENT_GIF));
            }
            case REDIRECT -> {
                headers.put(Exchange.HTTP_RESPONSE_CODE, 302);
                headers.put("Location", exchange.getProperty(TrackingRequestProcessor.LOCATION));
                headers.put(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                headers.put("Cache-Control", TrackingResponses.NO_CACHE);
                msg.setBody(Unpooled.EMPTY_BUFFER);
            }
            case REFUSAL -> {
                TrackingRefusal refusal = (TrackingRefusal) exchange.getProperty(TrackingRequestProcessor.REFUSAL);
                headers.put(Exchange.HTTP_RESPONSE_CODE, refusal.status());
                headers.put(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                if (refusal.allow() != null) {
                    headers.put("Allow", refusal.allow());
                }
                msg.setBody(Unpooled.copiedBuffer(refusal.text() + "\n", StandardCharsets.UTF_8));
            }
        }
    }
}
