package io.github.pmtatracking.app;

import io.github.pmtatracking.acct.AcctEtlMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.github.pmtatracking.acct.AccountingInput;
import io.github.pmtatracking.acct.AccountingKeys;
import io.github.pmtatracking.acct.AccountingRecordLoader;
import io.github.pmtatracking.redis.PipelinedRedisWriter;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans of acct_etl, built from the settings. It never starts an embedded Redis: PowerMTA
 * starts and stops this program at will, and a Redis it started would die with it.
 */
final class AcctEtlWiring implements Dataflow {

    private static final Logger LOG = LoggerFactory.getLogger(AcctEtlWiring.class);

    /** The columns kept for enrichment by default: what the feeder reports, plus any header_x-sp-*. */
    static final String DEFAULT_FIELDS =
            "rcpt,orig,jobId,dlvSourceIp,vmtaPool,header_x-sp-subaccount-id,timeLogged,header_x-sp-*";

    private final PipelinedRedisWriter writer;
    private final AccountingRecordLoader loader;
    private final AccountingInput input;

    AcctEtlWiring(Settings s, RedisConnections redisConnections) {
        String infile = s.get("acct_etl.infile", "");
        if (!infile.isEmpty() && !infile.equals("-") && !Files.isReadable(Path.of(infile))) {
            throw new IllegalArgumentException("acct_etl: cannot read -infile " + infile);
        }
        RedisAddress redis = RedisAddress.parse(s.get("redis.url", RedisAddress.DEFAULT_URL));
        AccountingKeys keys = new AccountingKeys(
                s.get("redis.acct_headers_key", "acct_headers"),
                s.get("redis.msgid_prefix", "msgID_"),
                s.getLong("redis.msgid_ttl_seconds", AccountingKeys.TEN_DAYS));
        this.writer = new PipelinedRedisWriter(redis,
                s.getInt("acct_etl.batch_size", 1000),
                Duration.ofMillis(s.getInt("acct_etl.max_delay_ms", 50)),
                s.getInt("acct_etl.max_pending", 100_000));
        this.loader = new AccountingRecordLoader(writer, keys, columnFilter(s.get("acct_etl.fields", DEFAULT_FIELDS)));
        this.input = new AccountingInput(infile);
        LOG.info("acct_etl storing into Redis at {} as {}<id> for {} s", redis.display(), keys.messagePrefix(), keys.ttlSeconds());
    }

    @Override
    public void bindTo(Main main) {
        main.bind("accountingInput", input);
        main.bind("accountingRecordLoader", loader);
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

    @Override
    public Object stats() {
        return loader;
    }

    @Override
    public MeterBinder metrics() {
        return new AcctEtlMetrics(loader);
    }

    @Override
    public void close() throws InterruptedException {
        int unsaved = writer.drain(Duration.ofSeconds(5));
        if (unsaved > 0) {
            LOG.error("Stopped with {} records not yet confirmed by Redis", unsaved);
        }
        writer.close();
    }
}
