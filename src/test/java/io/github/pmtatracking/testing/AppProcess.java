package io.github.pmtatracking.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The application as a separate JVM, started the way the bin/ launchers start it, with a real
 * stdin pipe, environment and exit code: what PowerMTA sees when it runs acct_etl.
 */
public final class AppProcess implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final int managementPort;

    private AppProcess(Process process, Path output, int managementPort) {
        this.process = process;
        this.output = output;
        this.managementPort = managementPort;
    }

    public static AppProcess start(Map<String, String> env, String... args) throws IOException {
        return start(env, List.of(), args);
    }

    /** With extra JVM options (a trust store, say). */
    public static AppProcess start(Map<String, String> env, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Dpmta.home="))) {
            cmd.add("-Dpmta.home=" + new File(".").getAbsolutePath());
        }
        cmd.add("-Xmx256m");
        // a test's process lives seconds: C1 alone and one GC thread start it sooner on 2 cores,
        // beside the other test JVM (no test here times a process's speed)
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("io.github.pmtatracking.app.PmtaTracking");
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("app-output", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("ACCT_ETL_") || k.startsWith("LINK_")
                || k.startsWith("TRACKER_") || k.startsWith("FEEDER_") || k.startsWith("WRAPPER_")
                || k.startsWith("CAMEL_") || k.startsWith("ROUTES_"));
        // each app its own management port, so tests can run several side by side
        pb.environment().put("CAMEL_MANAGEMENT_PORT", Integer.toString(TestRedis.freePort()));
        // no warm-up load beside the test (TrackerWarmUpTest tests it); a test's env may set it
        pb.environment().put("TRACKER_WARMUP_SECONDS", "0");
        // a null value removes the variable (CAMEL_MANAGEMENT_PORT, to see a program's own default)
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        String port = pb.environment().get("CAMEL_MANAGEMENT_PORT");
        return new AppProcess(pb.start(), out, port == null ? -1 : Integer.parseInt(port));
    }

    /** Where its management server listens (/observe/health, /observe/metrics, /observe/jolokia). */
    public int managementPort() {
        return managementPort;
    }

    /** Waits until the output contains the text (a started listener, say). */
    public void awaitOutput(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in the output:\n" + output());
            }
            Thread.sleep(50);
        }
    }

    public void write(String text) throws IOException {
        process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the exit and returns its code; fails the test if the process does not end in time. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process still running after " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /**
     * SIGSTOP: the whole JVM freezes, every thread at once, as in a long GC pause or a suspended VM.
     * {@link #resume} continues it where it was.
     */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** kill -9: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait: the normal stop. */
    public int stop() throws InterruptedException {
        process.destroy();
        return waitFor(30);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
