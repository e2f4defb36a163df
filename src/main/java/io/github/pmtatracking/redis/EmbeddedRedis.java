package io.github.pmtatracking.redis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server (the binary inside embedded-redis) for the quick start: started only when the
 * configured Redis is on loopback and nothing answers there, with append-only persistence under
 * the data folder so events survive a restart.
 *
 * <p>Its life is its owner's, however the owner ends. embedded-redis's own launcher left the
 * server running under PID 1 when its owner was killed with -9, with its binary and config file
 * in /tmp; programs started beside the owner then used a Redis nobody would stop. So the server
 * runs under a small POSIX sh watchdog that stops it (SIGTERM: Redis flushes its append-only
 * file) as soon as the owner's process is gone, and every file it needs (the binary, its config,
 * its log) lives in the data folder, where the next start reuses them. The other programs see
 * Redis go away, say so, and reconnect by themselves when a new owner starts one.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    /**
     * $1 the redis-server binary, $2 its config file, $3 the owner's pid. A signal to the watchdog
     * (the owner's close) stops Redis at once; the owner's death stops it within a second.
     */
    private static final String WATCHDOG = """
            "$1" "$2" &
            redis=$!
            trap 'kill -TERM $redis 2>/dev/null; wait $redis; exit 0' TERM INT HUP
            while kill -0 "$3" 2>/dev/null && kill -0 $redis 2>/dev/null; do
              sleep 1 &
              wait $!
            done
            kill -TERM $redis 2>/dev/null
            wait $redis
            """;

    private final Process watchdog;
    private final Path config;
    private final int port;

    private EmbeddedRedis(Process watchdog, Path config, int port) {
        this.watchdog = watchdog;
        this.config = config;
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
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir.resolve("bin"));
        File binary = ExecutableProvider.newJarResourceProvider(dir.resolve("bin").toFile()).get();
        if (!binary.canExecute() && !binary.setExecutable(true, true)) {
            throw new IOException("cannot make " + binary + " executable");
        }
        Path config = dir.resolve("redis-" + port + ".conf");
        StringBuilder conf = new StringBuilder()
                .append("port ").append(port).append('\n')
                .append("bind ").append(host).append('\n')
                .append("dir ").append(dir).append('\n')
                .append("appendonly yes\nappendfsync everysec\nsave \"\"\n");
        if (password != null && password.length > 0) {
            conf.append("requirepass ").append(new String(password)).append('\n');
        }
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(config, conf, StandardCharsets.UTF_8);
        Path log = dir.resolve("redis.log");
        Process watchdog = new ProcessBuilder("sh", "-c", WATCHDOG, "pmta-embedded-redis",
                binary.getAbsolutePath(), config.toString(), Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        EmbeddedRedis redis = new EmbeddedRedis(watchdog, config, port);
        RedisAddress address = RedisAddress.parse("redis://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!address.answers(200)) {
            if (!watchdog.isAlive() || System.nanoTime() > deadline) {
                redis.close();
                throw new IOException("the embedded redis-server did not start on " + host + ":" + port + " (see " + log + ")");
            }
            sleep(50);
        }
        LOG.info("No Redis answered at {}:{}: started an embedded redis-server there (append-only files and its log in {});"
                + " it stops when this process stops, however it stops", host, port, dir);
        return redis;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        watchdog.destroy(); // SIGTERM: the watchdog stops Redis and waits for it
        try {
            if (!watchdog.waitFor(15, TimeUnit.SECONDS)) {
                LOG.warn("Embedded redis-server on port {} did not stop within 15 s; killing it", port);
                watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
                watchdog.destroyForcibly();
            } else {
                LOG.info("Embedded redis-server on port {} stopped", port);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(config);
        } catch (IOException e) {
            LOG.debug("Could not remove {}: {}", config, e.toString());
        }
    }
}
