package io.github.pmtatracking.acct;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregate step's strategy: the first record's exchange carries the batch (a list of the
 * records, in input order) and every later record is added to that list, so a batch costs one list,
 * not an exchange per record kept until the batch is complete.
 */
public final class AccountingBatches implements AggregationStrategy {

    private final int batchSize;
    private final LongAdder queued = new LongAdder();

    public AccountingBatches(int batchSize) {
        this.batchSize = batchSize;
    }

    @Override
    public Exchange aggregate(Exchange batch, Exchange record) {
        queued.increment();
        Object entry = record.getMessage().getBody();
        if (batch == null) {
            List<Object> entries = new ArrayList<>(Math.min(batchSize, 1024));
            entries.add(entry);
            record.getMessage().setBody(entries);
            return record;
        }
        @SuppressWarnings("unchecked")
        List<Object> entries = (List<Object>) batch.getMessage().getBody();
        entries.add(entry);
        return batch;
    }

    /** Records handed to the batches so far (delivery records and header records). */
    public long queued() {
        return queued.sum();
    }
}
