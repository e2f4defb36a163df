package io.github.pmtatracking.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis Cluster of three masters, each a real redis-server process (embedded-redis's binary) in
 * cluster mode on a free loopback port, made a cluster the way redis-cli --cluster create does it:
 * CLUSTER MEET, and a third of the 16,384 slots each with CLUSTER ADDSLOTS.
 */
public final class ClusterRedis implements AutoCloseable {

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final int[] ports = {clusterPort(), clusterPort(), clusterPort()};

    public ClusterRedis() throws Exception {
        dir = Files.createTempDirectory("cluster-redis");
        File binary = ExecutableProvider.newJarResourceProvider(Files.createDirectories(dir.resolve("bin")).toFile()).get();
        binary.setExecutable(true, true);
        for (int p : ports) {
            processes.add(new ProcessBuilder(binary.getAbsolutePath(), "--port", Integer.toString(p), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + p + ".conf",
                    "--dbfilename", "dump-" + p + ".rdb", "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + p + ".log").toFile()))
                    .start());
        }
        for (int p : ports) {
            awaitPing(p);
        }
        for (int i = 0; i < ports.length; i++) {
            int from = i * 16384 / ports.length;
            int to = (i + 1) * 16384 / ports.length;
            int[] slots = new int[to - from];
            for (int s = from; s < to; s++) {
                slots[s - from] = s;
            }
            int port = ports[i];
            with(port, c -> {
                c.clusterAddSlots(slots);
                return null;
            });
            if (i > 0) {
                with(port, c -> c.clusterMeet("127.0.0.1", ports[0]));
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            boolean ok = true;
            for (int p : ports) {
                ok &= with(p, c -> c.clusterInfo()).contains("cluster_state:ok");
            }
            if (ok) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the cluster did not form; logs in " + dir);
    }

    /**
     * A free port whose cluster bus port (port + 10000: redis-server 6.2 has no cluster-port) is
     * free too, so below 55536: a node on a higher port does not start.
     */
    private static synchronized int clusterPort() {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 1000; i++) {
            int p = 20000 + random.nextInt(30000);
            if (free(p) && free(p + 10000)) {
                return p;
            }
        }
        throw new IllegalStateException("no free pair of ports for a cluster node");
    }

    private static boolean free(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitPing(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                with(port, RedisCommands::ping);
                return;
            } catch (RuntimeException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("redis-server on " + port + " did not start");
    }

    /** Commands on one node. */
    public static <T> T with(int port, java.util.function.Function<RedisCommands<String, String>, T> f) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return f.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }

    public int[] ports() {
        return ports.clone();
    }

    /** redis.url for the cluster: its three nodes as seeds. */
    public String url() {
        return "redis://127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
