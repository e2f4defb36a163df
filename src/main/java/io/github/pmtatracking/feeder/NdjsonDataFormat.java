package io.github.pmtatracking.feeder;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatName;
import org.apache.camel.support.service.ServiceSupport;

/**
 * {@code marshal: {custom: {ref: ndjson}}}: the enriched queue entries as SparkPost Ingest NDJSON,
 * one {@code {"msys":{"track_event":{...}}}} line per event ({@link SparkPostEvents#ndjson});
 * entries that are not events write nothing. Unmarshal gives the lines back, one String each.
 *
 * <p>Written by hand (Jackson's string escaping, no object mapper), not with camel-jackson's
 * {@code marshal: json}: this is the feeder's hot path (a million events a run), and measured on
 * 1,000,000 events of the benchmark's shape here a Jackson {@code SequenceWriter} of the same
 * fields took about twice as long as these lines (see the README's benchmark notes). Camel has no
 * NDJSON data format of its own.
 */
public final class NdjsonDataFormat extends ServiceSupport implements DataFormat, DataFormatName {

    @Override
    public String getDataFormatName() {
        return "ndjson";
    }

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) throws Exception {
        @SuppressWarnings("unchecked")
        List<QueueEntry> entries = (List<QueueEntry>) graph;
        StringBuilder line = new StringBuilder(1024);
        for (QueueEntry e : entries) {
            if (e.isEvent()) {
                line.setLength(0);
                SparkPostEvents.ndjson(e.event(), e.accounting(), line);
                stream.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public Object unmarshal(Exchange exchange, InputStream stream) throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }
}
