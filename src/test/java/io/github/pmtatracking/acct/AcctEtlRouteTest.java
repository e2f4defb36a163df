package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import static org.apache.camel.builder.Builder.body;

import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * routes/acct-etl.yaml as written, in Camel Main with its configuration class and a real Redis:
 * what camel-csv makes of each line, and what reaches Redis.
 */
class AcctEtlRouteTest extends CamelMainTestSupport {

    static TestRedis redis;
    static RedisConnections connections;
    static Path dir;

    /** The route's input for the test in hand, written before the context starts. */
    Path input;
    final RecordedExit exit = new RecordedExit();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedis.start();
        connections = new RedisConnections(RedisAddress.parse(redis.url()), Duration.ofSeconds(10));
        dir = Files.createTempDirectory("acct-route");
    }

    @AfterAll
    static void stopRedis() {
        connections.close();
        redis.close();
    }

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withAutoStartContext(false) // started by each test, once its input is written
                .withJMX(true); // the counters Hawtio shows
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(routes());
        // what the application binds before acct_etl's configuration runs
        configuration.addConfiguration(new ApplicationBeans(exit));
        configuration.addConfiguration(new AcctEtlConfiguration());
    }

    /** The route files under test. */
    protected String routes() {
        return "file:routes/acct-etl.yaml,file:routes/retry-policy.yaml";
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:config/application.properties";
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("redis.url", redis.url());
        p.setProperty("acct_etl.infile", input().toString());
        p.setProperty("acct_etl.fields", "*");
        return p;
    }

    /** The beans CamelApplication binds for every dataflow: the Redis connection factory and processExit. */
    public static final class ApplicationBeans implements CamelConfiguration {
        private final RecordedExit exit;

        ApplicationBeans(RecordedExit exit) {
            this.exit = exit;
        }

        @BindToRegistry(RedisConnections.BEAN)
        public LettuceConnectionFactory redisConnectionFactory() {
            return connections.factory();
        }

        @BindToRegistry("processExit")
        public RecordedExit processExit() {
            return exit;
        }
    }

    Path input() {
        if (input == null) {
            try {
                input = Files.createTempFile(dir, "input", ".csv");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return input;
    }

    /** Writes the input, starts the route and waits until it has read it all and Redis holds it. */
    AccountingRecordLoader run(String csv) throws Exception {
        redis.commands().flushall();
        Files.writeString(input(), csv);
        // the one exchange that read the input, which ends with the summary (not a batch made from it)
        NotifyBuilder endOfInput = new NotifyBuilder(context).fromRoute("acct-etl")
                .filter(body().startsWith("acct_etl: ")).whenDone(1).create();
        context.start();
        assertTrue(endOfInput.matches(30, TimeUnit.SECONDS), "the route reached the end of its input");
        assertTrue(exit.done, "the route ended the run");
        assertEquals(null, exit.failure, "the run ended well");
        return context.getRegistry().lookupByNameAndType("accountingRecordLoader", AccountingRecordLoader.class);
    }

    @Test
    void plainAndQuotedFieldsSplitAsRfc4180Says() throws Exception {
        run("type,c1,c2,c3,header_x-sp-message-id\n"
                + "d,a@x,,id,m1\n"
                + "d,\"Bob, Jr\",\"say \"\"hi\"\"\",,m2\n");
        assertEquals("{\"c1\":\"a@x\",\"c2\":\"\",\"c3\":\"id\"}", redis.commands().get("msgID_m1"));
        assertEquals("{\"c1\":\"Bob, Jr\",\"c2\":\"say \\\"hi\\\"\",\"c3\":\"\"}", redis.commands().get("msgID_m2"));
    }

    @Test
    void anUnclosedQuoteIsABrokenRecordAndTheNextLinesAreReadAsUsual() throws Exception {
        AccountingRecordLoader loader = run("type,c1,c2,header_x-sp-message-id\n"
                + "d,\"open,x,m1\n"
                + "d,after,x,m2\n"
                + "d,\"quoted\",x,m3\n");
        assertEquals(1, loader.skipped(SkipReason.BROKEN_QUOTE));
        assertEquals("{\"c1\":\"after\",\"c2\":\"x\"}", redis.commands().get("msgID_m2"));
        assertEquals("{\"c1\":\"quoted\",\"c2\":\"x\"}", redis.commands().get("msgID_m3"));
        assertEquals(4, loader.getLinesRead());
    }

    @Test
    void anEmptyLineIsSkipped() throws Exception {
        AccountingRecordLoader loader = run("type,c1,header_x-sp-message-id\n\nd,x,m1\n\n");
        assertEquals(2, loader.skipped(SkipReason.EMPTY_LINE));
        assertEquals(4, loader.getLinesRead());
        assertEquals("{\"c1\":\"x\"}", redis.commands().get("msgID_m1"));
    }

    @Test
    void everyLineIsAnExchangeOfTheSplitAndEveryRecordReachesRedis() throws Exception {
        StringBuilder csv = new StringBuilder("type,rcpt,vmtaPool,header_x-sp-message-id\n");
        for (int i = 0; i < 2500; i++) {
            csv.append("d,r").append(i).append("@example.com,pool-").append(i % 2 == 0 ? "a" : "b").append(",m").append(i).append('\n');
        }
        csv.append("b,bounced@example.com,pool-a,m9999\n");
        AccountingRecordLoader loader = run(csv.toString());
        assertEquals(2502, loader.getLinesRead());
        assertEquals(2500, loader.getDeliveryRecordsRead());
        assertEquals(Map.of("other_type", 1L), loader.getSkippedByReason());
        assertEquals(2501L, redis.commands().dbsize(), "2500 msgID_ keys and acct_headers");
        assertEquals("{\"rcpt\":\"r2499@example.com\",\"vmtaPool\":\"pool-b\"}", redis.commands().get("msgID_m2499"));
        assertTrue(redis.commands().ttl("msgID_m0") > 864000 - 60);
        // Hawtio's counters: the per-line steps count lines, not one exchange for the input
        long classified = context.getCamelContextExtension().getContextPlugin(org.apache.camel.api.management.ManagedCamelContext.class)
                .getManagedProcessor("classify").getExchangesCompleted();
        assertEquals(2502, classified);
    }

    /** The route's bean {@code processExit}: what the run would have exited with. */
    public static final class RecordedExit {
        volatile boolean done;
        volatile Exception failure;

        public void done() {
            done = true;
        }

        public void failed(Exception cause) {
            failure = cause;
            done = true;
        }
    }
}
