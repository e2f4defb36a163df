package io.github.pmtatracking.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The log's queue and writer thread, in place of logback's AsyncAppender: the caller only queues
 * its line (nothing waits on the disk, nothing is discarded, a full queue slows the caller), and
 * one thread writes what has gathered, then flushes the streams behind it (the log file, stdout)
 * once per batch rather than once per line.
 *
 * <p>Why not logback's own: a busy tracker logs a line per open and click, and AsyncAppender's
 * thread, woken for each line, flushed each line: a thread switch and a write(2) per request.
 * That line cost the tracker 8-10 us of CPU per request of about 40 (tracker JVM's utime+stime
 * over wrk's requests, 64 connections, runs with and without {@code tracker.log_events}
 * alternated). This writer takes a line, lets the lines of the next {@value #GATHER_MICROS} us
 * gather, and writes them with one flush: while lines come it is never waiting on the queue, so
 * no caller has to wake it (the tracker's event buffer does the same, {@code TrackerEventBuffer}),
 * and a line is written at most that much later.
 *
 * <p>Its setting is AsyncAppender's {@code queueSize} (default 8192); a stop waits up to a second
 * for what is queued to be written.
 */
public final class GatheringAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    private static final long GATHER_MICROS = 1000;
    private static final long STOP_MILLIS = 1000;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8192;
    private LinkedBlockingQueue<ILoggingEvent> queue;
    private Thread writer;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (!appenders.iteratorForAppenders().hasNext()) {
            addError("No appender attached to " + getName());
            return;
        }
        queue = new LinkedBlockingQueue<>(Math.max(1, queueSize));
        writer = new Thread(this::write, "log-writer-" + getName());
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // the message formatted, the thread's name and MDC taken now, on the caller's thread
        event.prepareForDeferredProcessing();
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(event);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the line is still written; the caller's interrupt is kept
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void write() {
        List<ILoggingEvent> batch = new ArrayList<>();
        while (isStarted()) {
            try {
                ILoggingEvent first = queue.poll();
                batch.add(first != null ? first : queue.take()); // woken only when idle
            } catch (InterruptedException e) {
                break;
            }
            // the lines of this moment gather: none of their callers wakes this thread
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(GATHER_MICROS));
            queue.drainTo(batch);
            write(batch);
        }
        queue.drainTo(batch); // what came before the stop
        write(batch);
    }

    private void write(List<ILoggingEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        for (ILoggingEvent event : batch) {
            appenders.appendLoopOnAppenders(event);
        }
        batch.clear();
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream && stream.getOutputStream() != null) {
                try {
                    stream.getOutputStream().flush();
                } catch (IOException | RuntimeException e) {
                    addError("Could not flush the log of " + stream.getName(), e);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        writer.interrupt();
        try {
            writer.join(STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn("Log writer " + getName() + " did not finish within " + STOP_MILLIS + " ms; "
                    + queue.size() + " lines may be lost");
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        if (appender instanceof OutputStreamAppender<ILoggingEvent> stream) {
            stream.setImmediateFlush(false); // flushed once per batch, by write()
        }
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
