package io.github.pmtatracking.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.OutputStream;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -logfile FILE}: logs go to the file instead of stdout, rotated daily with 7 days kept and
 * compressed, as the original's lumberjack setup did.
 */
public final class LogFiles {

    public static final String PATTERN = "%d{yyyy/MM/dd HH:mm:ss} %-5level %logger{0}: %msg%n";

    private LogFiles() {
    }

    /**
     * The logger {@code name} writes to nothing, through the same kind of appenders as the real
     * log (asynchronous queue, pattern layout, an output stream), and not to the real log: the
     * tracker's warm-up logs its own events there, so the JIT compiles the event log line's way
     * without a line of it in the log. Nothing happens when logback is not the logging backend.
     */
    public static void discardThroughTwin(String name) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ch.qos.logback.classic.Logger logger = ctx.getLogger(name);
        if (!logger.isAdditive()) {
            return; // done before
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> nowhere = new OutputStreamAppender<>();
        nowhere.setContext(ctx);
        nowhere.setName(name + "-nowhere");
        nowhere.setEncoder(encoder);
        nowhere.setOutputStream(OutputStream.nullOutputStream());
        nowhere.start();
        GatheringAsyncAppender async = new GatheringAsyncAppender();
        async.setContext(ctx);
        async.setName(name + "-async");
        async.setQueueSize(8192);
        async.addAppender(nowhere);
        async.start();
        logger.addAppender(async);
        logger.setAdditive(false);
    }

    public static void routeTo(String file) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();

        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setName("logfile");
        appender.setFile(file);
        appender.setEncoder(encoder);
        TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(appender);
        policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.gz");
        policy.setMaxHistory(7);
        policy.start();
        appender.setRollingPolicy(policy);
        appender.start();

        // as logback.xml: written off the request path, nothing dropped, flushed once per batch
        GatheringAsyncAppender async = new GatheringAsyncAppender();
        async.setContext(ctx);
        async.setName("async-logfile");
        async.setQueueSize(8192);
        async.addAppender(appender);
        async.start();

        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(async);
    }
}
