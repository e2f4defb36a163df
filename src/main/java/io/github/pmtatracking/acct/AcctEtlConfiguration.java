package io.github.pmtatracking.acct;

import io.github.pmtatracking.config.Settings;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.ReplicaAcks;
import io.github.pmtatracking.redis.RedisConnections;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.aggregate.AggregateController;
import org.apache.camel.processor.aggregate.DefaultAggregateController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The beans of routes/acct-etl.yaml, built from the settings. It never starts an embedded Redis:
 * PowerMTA starts and stops this program at will, and a Redis it started would die with it.
 */
public final class AcctEtlConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AcctEtlConfiguration.class);

    private AccountingWriter writer;
    private AccountingBatches batches;
    private AccountingRecordLoader loader;

    /**
     * A usage error before anything starts (Camel Main passes an exception from here on as it is,
     * so the command line prints it and exits 2).
     */
    @Override
    public void configure(CamelContext camel) {
        String infile = Settings.of(camel).text("acct_etl.infile");
        if (!infile.isEmpty() && !infile.equals("-") && !Files.isReadable(Path.of(infile))) {
            throw new IllegalArgumentException("acct_etl: cannot read -infile " + infile);
        }
    }

    /** {@code pipe:}, the route's input: stdin or {@code -infile}, read to its end. */
    @BindToRegistry("pipe")
    public PipeComponent pipe() {
        return new PipeComponent();
    }

    @BindToRegistry(value = "accountingRecordLoader", destroyMethod = "stopped")
    public AccountingRecordLoader accountingRecordLoader(CamelContext camel) {
        return loader(camel);
    }

    /**
     * The route's classify step: what a line is (header AccountingRecord) and its new body. A
     * processor rather than a bean method: a bean step's argument binding for each of a million
     * lines was 8% of the reading thread under JFR.
     */
    @BindToRegistry("classifyAccountingLine")
    public Processor classifyAccountingLine(CamelContext camel) {
        AccountingRecordLoader loader = loader(camel);
        return exchange -> {
            Message line = exchange.getMessage();
            line.setBody(loader.classify(line.getBody(List.class), line.getHeaders()));
        };
    }

    @BindToRegistry("accountingBatches")
    public AccountingBatches accountingBatches(CamelContext camel) {
        loader(camel);
        return batches;
    }

    @BindToRegistry("accountingWriter")
    public AccountingWriter accountingWriter(CamelContext camel) {
        loader(camel);
        return writer;
    }

    /** The route's handle on its aggregate step: at end of input it completes the batch in hand. */
    @BindToRegistry("accountingBatchControl")
    public AggregateController accountingBatchControl() {
        return new DefaultAggregateController();
    }

    /**
     * The thread that writes batches to Redis, so reading the next records goes on while Redis
     * stores the last ones. One thread keeps the batches in input order (a message id seen twice
     * keeps its later record, as the original's one SET after another did). At most
     * {@code acct_etl.max_pending} records wait for it; past that the aggregate step, and so the
     * reading of the pipe, waits: PowerMTA's pipe fills instead of this process's memory.
     */
    @BindToRegistry(value = "acctEtlWriterThread", destroyMethod = "shutdown")
    public ExecutorService acctEtlWriterThread(CamelContext camel) {
        Settings s = Settings.of(camel);
        // a batch holds fewer than twice acct_etl.batch_size records (a chunk is at most one batch size)
        int batchesWaiting = (int) Math.max(1, s.positive("acct_etl.max_pending") / (2 * s.positive("acct_etl.batch_size")));
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(batchesWaiting),
                r -> {
                    Thread t = new Thread(r, "acct_etl-redis-writer");
                    t.setDaemon(true);
                    return t;
                },
                (task, pool) -> {
                    if (pool.isShutdown()) {
                        throw new RejectedExecutionException("acct_etl is stopping");
                    }
                    try {
                        pool.getQueue().put(task); // wait for room: backpressure, not an unbounded queue
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted while waiting for the Redis writer", e);
                    }
                });
    }

    @BindToRegistry("acct_etlStats")
    public AcctEtlStatsMXBean stats(CamelContext camel) {
        return loader(camel);
    }

    @BindToRegistry("acct_etlMetrics")
    public MeterBinder metrics(CamelContext camel) {
        return new AcctEtlMetrics(loader(camel));
    }

    private synchronized AccountingRecordLoader loader(CamelContext camel) {
        if (loader == null) {
            Settings s = Settings.of(camel);
            AccountingKeys keys = new AccountingKeys(s.text("redis.acct_headers_key"), s.text("redis.msgid_prefix"),
                    s.positive("redis.msgid_ttl_seconds"));
            Supplier<RedisConnectionFactory> redis = () -> camel.getRegistry().lookupByNameAndType(RedisConnections.BEAN,
                    RedisConnectionFactory.class);
            String where = RedisAddress.parse(s.text("redis.url")).display();
            batches = new AccountingBatches(keys);
            writer = new AccountingWriter(redis, where, batches, ReplicaAcks.of(s));
            loader = new AccountingRecordLoader(writer, batches, keys, columnFilter(s.text("acct_etl.fields")));
            LOG.info("acct_etl storing into Redis at {} as {}<id> for {} s", where, keys.messagePrefix(), keys.ttlSeconds());
        }
        return loader;
    }

    /** {@code a,b,prefix*} or {@code *} for every column. */
    static Predicate<String> columnFilter(String spec) {
        Set<String> names = Arrays.stream(spec.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .collect(Collectors.toSet());
        if (names.contains("*")) {
            return c -> true;
        }
        Set<String> prefixes = names.stream().filter(n -> n.endsWith("*"))
                .map(n -> n.substring(0, n.length() - 1)).collect(Collectors.toSet());
        return c -> names.contains(c) || prefixes.stream().anyMatch(c::startsWith);
    }
}
