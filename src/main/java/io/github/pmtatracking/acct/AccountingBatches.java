package io.github.pmtatracking.acct;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The batches of records on their way to Redis, built without an exchange per record: the split
 * of a chunk's lines adds each header and delivery record of the chunk to one {@link RedisBatch}
 * (a line that stopped, skipped or filtered out, is not in it), and the aggregate step adds each
 * chunk's batch to the batch in hand. The batch is the body of the first exchange of each.
 */
public final class AccountingBatches implements AggregationStrategy {

    private final AccountingKeys keys;
    private final byte[] ttl;
    private final LongAdder queued = new LongAdder();

    public AccountingBatches(AccountingKeys keys) {
        this.keys = keys;
        this.ttl = Long.toString(keys.ttlSeconds()).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public Exchange aggregate(Exchange batch, Exchange next) {
        Exchange into = batch;
        if (into == null) {
            into = next;
            if (!(next.getMessage().getBody() instanceof RedisBatch)) {
                add(new RedisBatch(), next);
                // the first line's exchange carries the chunk's batch on; its own stop only kept it out
                next.setRouteStop(false);
                return next;
            }
            queued.add(((RedisBatch) next.getMessage().getBody()).size()); // a chunk's records join the batch for Redis
            return next;
        }
        RedisBatch entries = (RedisBatch) into.getMessage().getBody();
        if (next.getMessage().getBody() instanceof RedisBatch more) {
            entries.addAll(more);
            queued.add(more.size());
        } else {
            add(entries, next);
        }
        if (next.getException() != null) {
            into.setException(next.getException()); // a line that failed fails its chunk, and so the run
        }
        return into;
    }

    /** A line goes to Redis when it got to the end of the line's steps. */
    private void add(RedisBatch entries, Exchange line) {
        Object body = line.getMessage().getBody();
        line.getMessage().setBody(entries);
        if (line.isRouteStop() || line.getException() != null) {
            return;
        }
        if (body instanceof AccountingRecord r) {
            entries.add(r, keys, ttl);
        } else if (body instanceof AccountingHeader h) {
            entries.add(h, keys);
        }
    }

    /** Records handed to the batches so far (delivery records and header records). */
    public long queued() {
        return queued.sum();
    }
}
