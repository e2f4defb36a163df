package io.github.pmtatracking.app;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The programs of the original tool, runnable alone or, for the long-running ones, together. */
public enum App {
    TRACKER("tracker", true, "tracker.yaml", 9876),
    FEEDER("feeder", true, "feeder.yaml", 9877),
    WRAPPER("wrapper", true, "wrapper.yaml", 9878),
    ACCT_ETL("acct_etl", false, "acct-etl.yaml", 9879),
    LINKTOOL("linktool", false, null, 0);

    /** The route configurations every app's routes may opt into (the retry policy). */
    public static final String SHARED_ROUTE_FILE = "retry-policy.yaml";

    private final String command;
    private final boolean longRunning;
    private final String routeFile;
    private final int managementPort;

    App(String command, boolean longRunning, String routeFile, int managementPort) {
        this.command = command;
        this.longRunning = longRunning;
        this.routeFile = routeFile;
        this.managementPort = managementPort;
    }

    /**
     * Its management port when {@code camel.management.port} is not set: one per program, so the
     * programs run side by side on one host as the original's start.sh ran them (a process of
     * several programs takes the first one's).
     */
    public int managementPort() {
        return managementPort;
    }

    /** The name on the command line and the prefix of its settings ({@code acct_etl.infile}). */
    public String command() {
        return command;
    }

    /** Services that run until stopped (started together when no app is named). */
    public boolean longRunning() {
        return longRunning;
    }

    /** Its route file in {@code routes/}, or null for a plain command. */
    public String routeFile() {
        return routeFile;
    }

    /**
     * Its configuration class: builds the dataflow's beans from the settings and binds them, with
     * {@code <command>Stats} (an MXBean, shown in JMX as {@code io.github.pmtatracking:type=<command>,name=stats})
     * and {@code <command>Metrics} (a Micrometer {@code MeterBinder}). {@code ownTracker}: a
     * tracker of the same process, or null.
     */
    public org.apache.camel.CamelConfiguration configuration(String ownTracker) {
        return switch (this) {
            case TRACKER -> new io.github.pmtatracking.tracker.TrackerConfiguration();
            case FEEDER -> new io.github.pmtatracking.feeder.FeederConfiguration();
            case WRAPPER -> new io.github.pmtatracking.wrapper.WrapperConfiguration(ownTracker);
            case ACCT_ETL -> new io.github.pmtatracking.acct.AcctEtlConfiguration();
            case LINKTOOL -> throw new IllegalStateException("linktool does not run in Camel");
        };
    }

    /** The registry names its configuration binds its counters under. */
    public String statsBean() {
        return command + "Stats";
    }

    public String metricsBean() {
        return command + "Metrics";
    }

    public static Optional<App> byCommand(String name) {
        return Arrays.stream(values()).filter(a -> a.command.equals(name)).findFirst();
    }

    public static List<App> services() {
        return Arrays.stream(values()).filter(App::longRunning).toList();
    }

    /**
     * The flags of the app, with the original's names. Their defaults are the settings file's
     * ({@code <command>.<flag>}), which the help shows.
     */
    public GoFlagSet flags() {
        return switch (this) {
            case TRACKER -> new GoFlagSet(command, "Web service that decodes client email opens and clicks")
                    .string("in_hostport", "host:port to serve incoming HTTP requests")
                    .string("logfile", "File written with message logs")
                    .bool("accept_unsigned", "With link.secret set, still accept unsigned links (migration)")
                    .string("trusted_proxies",
                            "Proxies (IP or CIDR, comma-separated) whose X-Real-IP / X-Forwarded-For are believed")
                    .bool("log_events", "Log one line per open or click, as the original")
                    .integer("buffer_size", "Events held in memory while Redis is slow or down");
            case FEEDER -> new GoFlagSet(command, "Takes the opens and clicks from the Redis queue and feeds them to the"
                    + " SparkPost Ingest API\nRequires environment variable SPARKPOST_API_KEY_INGEST (without it, batches are"
                    + " written to files) and optionally SPARKPOST_HOST_INGEST")
                    .string("logfile", "File written with message logs")
                    .integer("batch_max_bytes", "A batch is sent before its NDJSON passes this size")
                    .integer("batch_max_age", "A batch is sent when its oldest event is this many seconds old")
                    .string("id", "This feeder's name, unique among feeders sharing a Redis (default: the host name)");
            case WRAPPER -> new GoFlagSet(command, "SMTP proxy that adds engagement information to email")
                    .string("certfile", "Certificate file for this server")
                    .string("downstream_debug", "File to write downstream server SMTP conversation for debugging")
                    .string("in_hostport", "Port number to serve incoming SMTP requests")
                    .bool("insecure_skip_verify", "Skip check of peer cert on upstream side")
                    .string("logfile", "File written with message logs")
                    .string("multi_recipient",
                            "A message with several recipients: split (one per transaction: 452 4.5.3 to the others, which the client"
                                    + " sends again), tracked (at message level, links carry no recipient) or untracked")
                    .string("out_hostport",
                            "host:port for onward routing of SMTP requests (empty: an outbox that saves .eml files)")
                    .string("privkeyfile", "Private key file for this server")
                    .bool("track_click", "Track clicks (wrap links)")
                    .bool("track_initial_open", "Track initial opens (pixel at the top of the body)")
                    .bool("track_open", "Track opens (pixel at the end of the body)")
                    .bool("track_text_links", "With click tracking, wrap the http(s) URLs of text/plain parts too")
                    .bool("track_trap_link", "With click tracking, add one link no person sees: a scanner's hit on it flags that message's clicks from its address as a machine's")
                    .string("tracking_url", "URL of your tracking service endpoint (empty: no tracking, only X-Sp-Message-Id)")
                    .string("upstream_data_debug", "File to write upstream DATA for debugging")
                    .bool("verbose", "print out lots of messages");
            case ACCT_ETL -> new GoFlagSet(command,
                    "Extracts, transforms and loads PowerMTA's piped accounting records into Redis")
                    .string("infile", "Input file (omit to read from stdin)")
                    .string("logfile", "File written with message logs");
            case LINKTOOL -> new GoFlagSet(command, "Encode and decode link URLs");
        };
    }
}
