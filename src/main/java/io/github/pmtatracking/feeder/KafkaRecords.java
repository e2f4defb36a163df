package io.github.pmtatracking.feeder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * The kafka destination's step (routes/feeder.yaml, route {@code kafka}): a batch as Kafka
 * records, one per event, its NDJSON line (no newline) keyed by its message id, so that one
 * message's events go to one partition, in order. camel-kafka sends a list body as one record per
 * element, each with the key of its own message.
 */
public final class KafkaRecords {

    private final InFlight inFlight;

    KafkaRecords(InFlight inFlight) {
        this.inFlight = inFlight;
    }

    public List<Message> of(IngestBatch batch, Exchange exchange) {
        if (batch.generation() != inFlight.generation()) {
            // never: a batch is sent from the picture it was cut from; its keys would be wrong
            throw new IllegalStateException(batch + " is not from the entries in flight");
        }
        byte[] ndjson = batch.lines();
        List<QueueEntry> entries = inFlight.held().subList(0, batch.getEntries());
        List<Message> records = new ArrayList<>(batch.getEvents());
        int start = 0;
        for (QueueEntry e : entries) {
            if (!e.isEvent()) {
                continue; // it made no line
            }
            int end = start;
            while (end < batch.getRawBytes() && ndjson[end] != '\n') {
                end++;
            }
            Message record = new DefaultMessage(exchange);
            record.setBody(Arrays.copyOfRange(ndjson, start, end));
            String messageId = e.event().msys().trackEvent().messageId();
            if (messageId != null && !messageId.isEmpty()) {
                record.setHeader(KafkaConstants.KEY, messageId);
            }
            records.add(record);
            start = end + 1;
        }
        if (records.size() != batch.getEvents()) {
            throw new IllegalStateException(batch + " made " + records.size() + " records");
        }
        return records;
    }
}
