package io.github.pmtatracking.acct;

import static org.apache.camel.builder.Builder.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.testing.TestRedis;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * routes/acct-etl.yaml in Camel Main with its configuration class, the beans the application binds
 * and a real Redis. Each test writes its input (a file, or a named pipe it keeps open), then starts
 * the route.
 */
abstract class AcctEtlRouteTestSupport extends CamelMainTestSupport {

    static TestRedis redis;
    static RedisConnections connections;
    static Path dir;

    // both made on first use: CamelTestSupport's constructor already asks for the settings
    private Path input;
    private RecordedExit exit;

    /** The route's input (acct_etl.infile) for the test in hand. */
    Path input() {
        if (input == null) {
            try {
                input = Files.createFile(dir.resolve(UUID.randomUUID() + ".csv")); // readable, as -infile must be
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return input;
    }

    RecordedExit exit() {
        if (exit == null) {
            exit = new RecordedExit();
        }
        return exit;
    }

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
        test.withAutoStartContext(false) // started by each test, once its input is there
                .withJMX(true); // the counters Hawtio shows
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(routes());
        // what the application binds before acct_etl's configuration runs
        configuration.addConfiguration(new ApplicationBeans(exit()));
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
        p.putAll(settings());
        return p;
    }

    /** Settings of the test in hand, beside the file's (read when its context is created). */
    protected Map<String, String> settings() {
        return Map.of();
    }

    /** Writes the input, starts the route and waits until it has read it all and Redis holds it. */
    AccountingRecordLoader run(String csv) throws Exception {
        Files.writeString(input(), csv);
        NotifyBuilder endOfInput = endOfInput();
        start();
        return awaitEnd(endOfInput);
    }

    /** Starts the route on a named pipe, as PowerMTA's; the test writes to it and closes it. */
    OutputStream startOnPipe() throws Exception {
        Files.delete(input());
        Process mkfifo = new ProcessBuilder("mkfifo", input().toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        start();
        return Files.newOutputStream(input()); // opens once the route has opened its end
    }

    void start() throws IOException {
        redis.commands().flushall();
        context.start();
    }

    /** The one exchange that read the input, which ends with the summary (not a batch made from it). */
    NotifyBuilder endOfInput() {
        return new NotifyBuilder(context).fromRoute("acct-etl").filter(body().startsWith("acct_etl: ")).whenDone(1).create();
    }

    AccountingRecordLoader awaitEnd(NotifyBuilder endOfInput) {
        assertTrue(endOfInput.matches(60, TimeUnit.SECONDS), "the route reached the end of its input");
        assertTrue(exit().done, "the route ended the run");
        assertEquals(null, exit().failure, "the run ended well");
        return loader();
    }

    AccountingRecordLoader loader() {
        return context.getRegistry().lookupByNameAndType("accountingRecordLoader", AccountingRecordLoader.class);
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

    /** The route's bean {@code processExit}: how the run would have ended. */
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
