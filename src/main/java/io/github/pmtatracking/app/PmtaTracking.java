package io.github.pmtatracking.app;

import io.github.pmtatracking.config.Settings;
import io.github.pmtatracking.engagement.UserAgents;
import io.github.pmtatracking.linktool.LinkTool;
import io.github.pmtatracking.wrapper.EngagementTracking;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code java -jar pmta-tracking.jar [app [flags]]...}. Parses the original's
 * Go-style flags itself (Camel Main's own parser would take them for its options), resolves the
 * settings, then hands over to {@link CamelApplication} or runs linktool directly.
 */
public final class PmtaTracking {

    private PmtaTracking() {
    }

    public static void main(String[] args) {
        // On SIGTERM the JVM runs its shutdown hooks and halts when they end. This one holds the
        // JVM until run() has finished its cleanup (buffered events pushed, the embedded Redis
        // stopped after its clients), then flushes the asynchronous log.
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopLogging();
        }, "pmta-shutdown"));
        int code;
        try {
            code = run(args);
        } finally {
            finished.countDown();
        }
        stopLogging();
        System.exit(code);
    }

    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
            logback.stop();
        }
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        Invocation invocation;
        try {
            invocation = Invocation.parse(Arrays.asList(args));
        } catch (Invocation.UsageException e) {
            String text = e.getMessage();
            if (e.help() && e.app() != null) {
                // the defaults in effect: what config/application.properties and the environment set
                AppHome home = AppHome.detect();
                Settings s = Settings.load(home.configFile(), home.dir(), java.util.Map.of());
                text = e.app().flags().usage(flag -> s.optional(e.app().command() + "." + flag).orElse(null));
            }
            (e.help() ? System.out : System.err).print(text.endsWith("\n") ? text : text + "\n");
            return e.help() ? 0 : 2;
        }
        AppHome home = AppHome.detect();
        Settings settings;
        try {
            settings = Settings.load(home.configFile(), home.dir(), invocation.flags());
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("pmta-tracking: " + e.getMessage());
            return 1;
        }
        if (invocation.apps().contains(App.LINKTOOL)) {
            return new LinkTool(settings.text("link.secret"), System.out, System.err).run(invocation.rest());
        }
        for (App app : invocation.apps()) {
            String logfile = settings.text(app.command() + ".logfile");
            if (!logfile.isEmpty()) {
                LogFiles.routeTo(logfile); // relative to the working directory, as the original
                break;
            }
        }
        if (invocation.apps().contains(App.FEEDER)) {
            UserAgents.startLoading(); // seconds of rules: beside Camel's start, not after it
        }
        try {
            if (invocation.apps().contains(App.WRAPPER)) {
                // read first by the route's {{recipientLimit:...}}, where a bad value would end in a stack trace
                EngagementTracking.MultiRecipient.of(settings.text("wrapper.multi_recipient"));
            }
            return new CamelApplication(invocation.apps(), invocation.flags(), settings, home).run();
        } catch (IllegalArgumentException e) {
            System.err.println("pmta-tracking: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            LoggerFactory.getLogger(PmtaTracking.class).error("Stopped by an error", e);
            return 1;
        }
    }
}
