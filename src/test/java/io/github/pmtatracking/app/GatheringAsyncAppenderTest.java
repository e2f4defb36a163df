package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatheringAsyncAppenderTest {

    /** What the appender wrote, and how often it was flushed. */
    static final class Sink extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        synchronized List<String> lines() {
            String text = bytes.toString(StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }

    private final LoggerContext context = new LoggerContext();
    private final Sink sink = new Sink();
    private GatheringAsyncAppender gathering;

    private Logger logger() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's own initialization sets
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> stream = new OutputStreamAppender<>();
        stream.setContext(context);
        stream.setName("sink");
        stream.setEncoder(encoder);
        stream.setOutputStream(sink);
        stream.start();
        gathering = new GatheringAsyncAppender();
        gathering.setContext(context);
        gathering.setName("gathering");
        gathering.addAppender(stream);
        gathering.start();
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        logger.addAppender(gathering);
        return logger;
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aLoneLineIsWrittenAndFlushedWithoutWaitingForMore() throws Exception {
        Logger log = logger();
        log.info("alone");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sink.flushes.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(List.of("alone"), sink.lines());
        assertTrue(sink.flushes.get() >= 1);
    }

    @Test
    void linesFromManyThreadsAllArriveInTheirOrderWithAFlushPerBatchNotPerLine() throws Exception {
        Logger log = logger();
        int threads = 4;
        int perThread = 5_000;
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread caller = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    log.info("{} {}", id, i);
                }
            });
            caller.start();
            callers.add(caller);
        }
        for (Thread caller : callers) {
            caller.join();
        }
        gathering.stop(); // writes what is queued
        List<String> lines = sink.lines();
        assertEquals(threads * perThread, lines.size());
        int[] next = new int[threads];
        for (String line : lines) {
            String[] parts = line.split(" ");
            int id = Integer.parseInt(parts[0]);
            assertEquals(next[id]++, Integer.parseInt(parts[1]), "order of thread " + id);
        }
        // a flush per line (logback's AsyncAppender with immediateFlush) would be 20,000
        assertTrue(sink.flushes.get() < lines.size() / 10, sink.flushes.get() + " flushes for " + lines.size() + " lines");
    }

    @Test
    void aStopWritesEveryLineStillQueued() {
        Logger log = logger();
        for (int i = 0; i < 8_000; i++) {
            log.info("line {}", i);
        }
        gathering.stop();
        List<String> lines = sink.lines();
        assertEquals(8_000, lines.size());
        assertEquals("line 7999", lines.get(lines.size() - 1));
    }
}
