package io.github.pmtatracking.engagement;

import io.github.pmtatracking.engagement.Engagement.Agent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeder route's user-agent step: SparkPost's {@code user_agent_parsed} (agent, device brand
 * and family, OS and version, mobile or not) of each open and click, by Yauaa.
 *
 * <p>Yauaa rather than uap-java, measured on one machine in one session (20 real agents: desktop
 * and mobile browsers, Outlook, Thunderbird, Gmail's and Yahoo's proxies, robots): Yauaa takes
 * 3.4 s and 111 MB of heap to load its rules (only the fields here, its test cases dropped), and
 * 222 us to parse an agent it has not seen; uap-java 0.3 s and 3 MB, but 674 us a parse, and it
 * knows no device brand and no device class (so no is_mobile but by guessing). A feeder parses
 * every distinct agent once (a cache of feeder.user_agent_cache agents), and loads the rules once per
 * process, on a thread of their own from the feeder's start (read from the archive the build
 * made of them, {@link UserAgentRulesArchive}): the first batch waits only for what is left of it.
 */
public final class UserAgents {

    private static final Logger LOG = LoggerFactory.getLogger(UserAgents.class);

    private static final Set<String> MOBILE = Set.of("Phone", "Tablet", "Mobile", "Watch", "eReader", "Handheld Game Console");
    private static final Set<String> ROBOT = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker");
    static final String[] FIELDS = {UserAgent.AGENT_NAME, UserAgent.DEVICE_BRAND, UserAgent.DEVICE_NAME,
        UserAgent.DEVICE_CLASS, UserAgent.OPERATING_SYSTEM_NAME, UserAgent.OPERATING_SYSTEM_VERSION};

    /** One per process: its rules are the same for every feeder context (a route reload, tests). */
    private static CompletableFuture<UserAgentAnalyzer> shared;

    private final CompletableFuture<UserAgentAnalyzer> analyzer;
    /**
     * Agents parsed, least recently used dropped past the size: Yauaa's own cache hands out a copy
     * of its whole result per hit (JFR: 652 of the feeder thread's 8,643 samples), this one the
     * small Agent. The feeder thread's only.
     */
    private final Map<String, Agent> parsed;

    /** Starts loading the rules at once, on a thread of its own (once per process). */
    public UserAgents(int cacheSize) {
        this.analyzer = sharedAnalyzer();
        this.parsed = new Lru<>(cacheSize);
    }

    /**
     * Starts loading the rules now, at the process's start (PmtaTracking, for a feeder): the load
     * then runs beside Camel's own start instead of after the feeder's configuration is read, and
     * a feeder restarted with a backlog sends its first batch that much sooner.
     */
    public static void startLoading() {
        sharedAnalyzer();
    }

    private static synchronized CompletableFuture<UserAgentAnalyzer> sharedAnalyzer() {
        if (shared == null) {
            shared = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                // the rules as the build archived them; built here only when the archive does not fit
                UserAgentAnalyzer a = UserAgentRulesArchive.read(FIELDS, why -> LOG.info("User-agent rules built at start: {}", why))
                        .orElseGet(UserAgents::build);
                LOG.info("User-agent rules ready in {} ms", (System.nanoTime() - start) / 1_000_000);
                return a;
            }, r -> {
                Thread t = new Thread(r, "user-agent-rules");
                t.setDaemon(true);
                t.start();
            });
        }
        return shared;
    }

    /** Yauaa's analyzer of the fields here, from its rules (seconds: see {@link UserAgentRulesArchive}). */
    static UserAgentAnalyzer build() {
        return UserAgentAnalyzer.newBuilder()
                .withFields(FIELDS)
                .withoutCache()
                .dropTests()
                .hideMatcherLoadStats()
                .immediateInitialization()
                .build();
    }

    /** Parses the agents of the events not parsed yet; returns the same list. */
    public <T extends Engagement.Subject> List<T> parse(List<T> entries) {
        UserAgentAnalyzer a = null;
        for (T t : entries) {
            Engagement e = t.engagement();
            if (e != null && e.agent() == null) {
                Agent agent = parsed.get(e.facts().userAgent());
                if (agent == null) {
                    if (a == null) {
                        a = analyzer();
                    }
                    agent = agent(a, e.facts().userAgent());
                    parsed.put(e.facts().userAgent(), agent);
                }
                e.agent(agent);
            }
        }
        return entries;
    }

    /** One agent parsed: unknown parts left out (null), as SparkPost leaves them. */
    private static Agent agent(UserAgentAnalyzer a, String userAgent) {
        UserAgent u = a.parse(userAgent);
        String deviceClass = u.getValue(UserAgent.DEVICE_CLASS);
        return new Agent(known(u, UserAgent.AGENT_NAME), known(u, UserAgent.DEVICE_BRAND), known(u, UserAgent.DEVICE_NAME),
                known(u, UserAgent.OPERATING_SYSTEM_NAME), known(u, UserAgent.OPERATING_SYSTEM_VERSION),
                MOBILE.contains(deviceClass), ROBOT.contains(deviceClass));
    }

    private static String known(UserAgent u, String field) {
        if (u.get(field).isDefaultValue()) {
            return null;
        }
        String v = u.getValue(field);
        return v.isEmpty() || v.equals("??") || v.startsWith("Unknown") ? null : v;
    }

    private UserAgentAnalyzer analyzer() {
        try {
            return analyzer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the user-agent rules load", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the user-agent rules did not load", e.getCause());
        }
    }
}
