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
        if (exchange.getProperty(TrackingRequestProcessor.EVENT) instanceof String event) {
            buffer.offer(event);
        }
    }
}
