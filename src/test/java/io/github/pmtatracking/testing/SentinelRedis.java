package io.github.pmtatracking.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.embedded.core.ExecutableProvider;

/**
 * A master with two replicas and three Sentinels (quorum 2, a master down after 1 s), each a real
 * redis-server process (embedded-redis's binary) on a free loopback port, started the way an
 * operator starts them. {@link #killMaster} ends the master's process with SIGKILL.
 */
public final class SentinelRedis implements AutoCloseable {

    public static final String MASTER = "mymaster";

    private final Path dir;
    private final File binary;
    private final List<Process> processes = new ArrayList<>();
    private final int[] ports = TestRedis.freePorts(6); // distinct: two processes on one port was a flaky start
    private final int[] dataPorts = {ports[0], ports[1], ports[2]};
    private final int[] sentinelPorts = {ports[3], ports[4], ports[5]};
    private Process master;

    public SentinelRedis() throws Exception {
        dir = Files.createTempDirectory("sentinel-redis");
        binary = ExecutableProvider.newJarResourceProvider(Files.createDirectories(dir.resolve("bin")).toFile()).get();
        binary.setExecutable(true, true);
        master = server(dataPorts[0], null);
        server(dataPorts[1], dataPorts[0]);
        server(dataPorts[2], dataPorts[0]);
        for (int p : sentinelPorts) {
            Path conf = dir.resolve("sentinel-" + p + ".conf");
            Files.writeString(conf, "port " + p + "\nbind 127.0.0.1\ndir " + dir + "\n"
                    + "sentinel monitor " + MASTER + " 127.0.0.1 " + dataPorts[0] + " 2\n"
                    + "sentinel down-after-milliseconds " + MASTER + " 1000\n"
                    + "sentinel failover-timeout " + MASTER + " 5000\n"
                    + "sentinel parallel-syncs " + MASTER + " 2\n");
            start(List.of(binary.getAbsolutePath(), conf.toString(), "--sentinel"), "sentinel-" + p);
        }
        try {
            awaitTopology();
        } catch (Exception | Error e) {
            close(); // a set that did not form leaves no redis-server behind
            throw e;
        }
    }

    private Process server(int port, Integer replicaOf) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.getAbsolutePath(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb", "--save", "", "--appendonly", "no"));
        if (replicaOf != null) {
            cmd.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(replicaOf)));
        }
        return start(cmd, "redis-" + port);
    }

    private Process start(List<String> cmd, String name) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        processes.add(p);
        return p;
    }

    /** Until both replicas replicate and every Sentinel knows both replicas and the other Sentinels. */
    private void awaitTopology() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                boolean ready = info(dataPorts[0], "connected_slaves:2");
                for (int p : sentinelPorts) {
                    ready &= sentinel(p, c -> c.replicas(MASTER).size() == 2
                            && c.dispatch(CommandType.SENTINEL, new ArrayOutput<>(StringCodec.UTF8),
                                    new CommandArgs<>(StringCodec.UTF8).add("sentinels").add(MASTER)).size() == 2);
                }
                if (ready) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Sentinel set did not come up; logs in " + dir);
    }

    private static boolean info(int port, String expected) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().info("replication").contains(expected);
        } finally {
            client.shutdown();
        }
    }

    private static <T> T sentinel(int port, Function<RedisSentinelCommands<String, String>, T> f) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
            return f.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }

    /** redis.url for the set: every Sentinel, and the master's name. */
    public String url() {
        return "redis-sentinel://127.0.0.1:" + sentinelPorts[0] + ",127.0.0.1:" + sentinelPorts[1] + ",127.0.0.1:"
                + sentinelPorts[2] + "/0#" + MASTER;
    }

    /** The port the Sentinels now name as the master's. */
    public int masterPort() {
        return sentinel(sentinelPorts[0], c -> ((InetSocketAddress) c.getMasterAddrByName(MASTER)).getPort());
    }

    /** SIGKILL to the first master: what it had not replicated is gone with it. */
    public void killMaster() throws InterruptedException {
        master.destroyForcibly().waitFor();
    }

    /** Commands on whichever server the Sentinels name as master now; the caller closes the client. */
    public RedisClient masterClient() {
        return RedisClient.create("redis://127.0.0.1:" + masterPort());
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
