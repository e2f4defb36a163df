package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatName;
import org.apache.camel.support.service.ServiceSupport;

/**
 * {@code marshal: {custom: {ref: ndjson}}}: the enriched queue entries as NDJSON, one
 * {@link IngestEvent} a line, written by Jackson (what camel-jackson is built on); entries that
 * are not events write nothing. Unmarshal reads such lines back into IngestEvents.
 *
 * <p>Camel's {@code marshal: json} writes one document per message, and a message per event would
 * be a million exchanges a run: so a data format of its own, over a Jackson {@link SequenceWriter}.
 * This is the feeder's hot path, so it was measured before Jackson was chosen: 1,000,000 events
 * shaped as bench/feeder_load.py makes them, warmed up, took 1.26 s with Jackson and 1.17 s with
 * the hand-written lines it replaced (a StringBuilder with Jackson's string escaping), the same
 * 441,864,445 bytes (on a busy machine 2.1-4.0 s against 1.9-3.6 s). This step is about a
 * twentieth of the feeder's time end to end, so the difference is under 1% of it.
 */
public final class NdjsonDataFormat extends ServiceSupport implements DataFormat, DataFormatName {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lines: a newline after each event; the target stream stays open for Camel. */
    private static final ObjectWriter LINES = JSON.writerFor(IngestEvent.class).withRootValueSeparator("\n")
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    @Override
    public String getDataFormatName() {
        return "ndjson";
    }

    /** Bytes per line last written: sizes the next buffer, so that it is allocated once (5 MB batches). */
    private volatile int lineBytes = 512;

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) throws Exception {
        @SuppressWarnings("unchecked")
        List<QueueEntry> entries = (List<QueueEntry>) graph;
        int events = 0;
        for (QueueEntry e : entries) {
            events += e.isEvent() ? 1 : 0;
        }
        if (events == 0) {
            return;
        }
        // written whole into a buffer of about the right size, then handed on in one write: Camel's
        // output buffer, grown by doubling from a few bytes, made three times the NDJSON in garbage
        ByteArrayOutputStream lines = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, events * (lineBytes * 9L / 8) + 64));
        try (SequenceWriter writer = LINES.writeValues(lines)) {
            for (QueueEntry e : entries) {
                if (e.isEvent()) {
                    writer.write(e.event());
                }
            }
        }
        lines.write('\n'); // the separator goes between lines: the last one's newline
        lineBytes = Math.max(64, lines.size() / events);
        lines.writeTo(stream);
    }

    @Override
    public Object unmarshal(Exchange exchange, InputStream stream) throws Exception {
        List<IngestEvent> events = new ArrayList<>();
        JSON.readerFor(IngestEvent.class).<IngestEvent>readValues(stream).forEachRemaining(events::add);
        return events;
    }
}
