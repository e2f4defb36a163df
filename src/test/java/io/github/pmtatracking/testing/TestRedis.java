package io.github.pmtatracking.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * A real redis-server (embedded-redis's binary) on a free loopback port, which a test can stop
 * and start again on the same port to stage an outage.
 */
public final class TestRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private RedisServer server;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private TestRedis(int port) {
        this.port = port;
        try {
            this.dir = Files.createTempDirectory("test-redis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Started on a free port. */
    public static TestRedis start() {
        // a port found free can be taken before redis-server binds it (one CI run: the server
        // exited at once, with nothing on its output): up to three ports are tried
        for (int attempt = 1; ; attempt++) {
            TestRedis r = new TestRedis(freePort());
            try {
                r.startServer();
                return r;
            } catch (UncheckedIOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** A free port with no server on it yet; call {@link #startServer} later. */
    public static TestRedis notStarted() {
        return new TestRedis(freePort());
    }

    /** {@code n} distinct free ports: each socket is held until all are chosen (one at a time, two could be the same). */
    public static int[] freePorts(int n) {
        java.util.List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a socket never bound to anything else
                }
            }
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void startServer() {
        try {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("dir " + dir).setting("save \"\"").setting("appendonly no").build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void stopServer() {
        closeClient();
        try {
            if (server != null) {
                server.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Synchronous commands for assertions. */
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null) {
            client = RedisClient.create(url());
            connection = client.connect();
        }
        return connection.sync();
    }

    private void closeClient() {
        if (connection != null) {
            connection.close();
            client.shutdown();
            connection = null;
            client = null;
        }
    }

    @Override
    public synchronized void close() {
        stopServer();
    }
}
