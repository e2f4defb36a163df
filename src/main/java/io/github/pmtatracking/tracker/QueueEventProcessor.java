package io.github.pmtatracking.tracker;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Hands the request's event to the memory buffer on its way to Redis; never waits. */
public final class QueueEventProcessor implements Processor {

    private final RedisEventBuffer buffer;

    public QueueEventProcessor(RedisEventBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public void process(Exchange exchange) {
        String event = exchange.getProperty(TrackingRequestProcessor.EVENT, String.class);
        if (event != null) {
            buffer.offer(event);
        }
    }
}
