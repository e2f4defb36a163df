package io.github.pmtatracking.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the binary inside embedded-redis) for the quick start: started only when the
 * configured Redis is on loopback and nothing answers there, with append-only persistence under
 * the data folder so events survive a restart.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts a server at the address unless one already answers there or the address is not on
     * this machine.
     */
    public static Optional<EmbeddedRedis> startIfAbsent(RedisAddress address, Path dataDir) throws IOException {
        if (!address.isLoopback()) {
            LOG.info("Using Redis at {} (not on this machine: no embedded Redis is ever started for it)", address.display());
            return Optional.empty();
        }
        if (address.answers(500)) {
            LOG.info("Using Redis at {}", address.display());
            return Optional.empty();
        }
        return Optional.of(start(address.host(), address.port(), dataDir, address.uri().getPassword()));
    }

    /** Starts a server on the given loopback port with its files in {@code dataDir}. */
    public static EmbeddedRedis start(String host, int port, Path dataDir, char[] password) throws IOException {
        Files.createDirectories(dataDir);
        var builder = RedisServer.newRedisServer()
                .port(port)
                .bind(host)
                .setting("dir " + dataDir.toAbsolutePath())
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .setting("save \"\"")
                // stopped by close(), after its clients have pushed what they hold; a hook of its own
                // would kill it at the start of a shutdown
                .onShutdownForceStop(false);
        if (password != null && password.length > 0) {
            builder.setting("requirepass " + new String(password));
        }
        RedisServer server = builder.build();
        server.start();
        LOG.info("No Redis answered at {}:{}: started an embedded redis-server there (append-only files in {})",
                host, port, dataDir.toAbsolutePath());
        return new EmbeddedRedis(server, port);
    }

    @Override
    public void close() {
        try {
            server.stop();
            LOG.info("Embedded redis-server on port {} stopped", port);
        } catch (IOException e) {
            LOG.warn("Embedded redis-server on port {} did not stop cleanly: {}", port, e.getMessage());
        }
    }
}
