package io.github.pmtatracking.app;

import io.github.pmtatracking.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.RoutePolicyFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel Main's management server: {@code /observe/health} (with {@code /live} and {@code /ready}),
 * {@code /observe/metrics} for Prometheus and {@code /observe/jolokia} for Hawtio, on its own port,
 * on loopback unless told otherwise. The Jolokia access policy is {@code jolokia-access.xml} in the
 * jar.
 *
 * <p>Each program has its own default port ({@link App#managementPort()}: tracker 9876, feeder
 * 9877, wrapper 9878, acct_etl 9879), so programs started side by side with only their usual flags
 * do not collide; {@code camel.management.port} set to a number overrides it.
 *
 * <p>The address is resolved here with the settings' precedence ({@code -Dcamel.management.port},
 * then the environment {@code CAMEL_MANAGEMENT_PORT}, then config/application.properties, then the
 * default), and handed to Camel as fixed values, so the port checked before start is the port
 * Camel binds.
 */
final class ManagementServer {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    /**
     * The routes with no Micrometer route policy (Camel route id patterns, comma separated): one
     * exchange per tracking request. Their counts are the tracker's own (pmta_tracker_events_total, pmta_tracker_refused_total,
     * pmta_tracker_head_requests_total, pmta_tracker_events_pushed_total) and in JMX (Hawtio), and
     * the time a request spends in the route is microseconds of CPU that says nothing the
     * client's latency does not. The policy's timer, counters and per-exchange property (named
     * with String.format) cost the tracker 8% of its requests per second (bench/tracker.sh,
     * alternated: 0.620 and 0.629 of nginx with it, 0.676 and 0.682 without).
     */
    static final String PER_REQUEST_ROUTES = "tracker,tracker-events";

    private final boolean enabled;
    private final String host;
    private final int port;

    ManagementServer(Settings s, App first) {
        this.enabled = s.flag("camel.management.enabled");
        this.host = s.text("camel.management.host");
        // unset or empty: the program's own
        this.port = s.optional("camel.management.port").filter(p -> !p.isEmpty()).isPresent()
                ? s.wholeNumber("camel.management.port") : first.managementPort();
    }

    /**
     * Sets Camel's management properties. A port already taken stops a service with a clear error;
     * a pipe program ({@code optional}) logs a warning and runs without it instead, because losing
     * PowerMTA's accounting records over a metrics port would be the worse failure.
     */
    void configure(Main main, boolean optional) {
        boolean on = enabled;
        if (on && !portFree()) {
            String problem = "the management port " + host + ":" + port + " is in use"
                    + " (set camel.management.port, or CAMEL_MANAGEMENT_PORT, to a free port)";
            if (!optional) {
                throw new IllegalArgumentException(problem);
            }
            LOG.warn("{}; running without /observe (health, metrics, Jolokia)", problem);
            on = false;
        }
        main.addOverrideProperty("camel.management.enabled", Boolean.toString(on));
        // always fixed values: Camel also reads the settings file, where an empty port means "the program's own"
        main.addOverrideProperty("camel.management.host", host);
        main.addOverrideProperty("camel.management.port", Integer.toString(port));
        if (!on) {
            return;
        }
        main.addInitialProperty("camel.management.healthCheckEnabled", "true");
        main.addInitialProperty("camel.management.metricsEnabled", "true");
        main.addInitialProperty("camel.management.jolokiaEnabled", "true");
        main.addInitialProperty("camel.management.infoEnabled", "true");
        main.addInitialProperty("camel.metrics.enabled", "true");
        main.addInitialProperty("camel.metrics.binders", "jvm-memory,jvm-gc,jvm-thread,processor,uptime,file-descriptor");
        // per-route counts and times only: the exchange event notifier (a timer per endpoint an
        // exchange touches) and the context-wide policy (a second timer per exchange) cost the
        // tracker a quarter of its requests per second (bench/tracker.sh)
        main.addInitialProperty("camel.metrics.enableExchangeEventNotifier", "false");
        main.addInitialProperty("camel.metrics.routePolicyLevel", "route");
        // and none for the tracker's routes, one exchange per request (PER_REQUEST_ROUTES)
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStart(BaseMainSupport m) {
                for (RoutePolicyFactory f : m.getCamelContext().getRoutePolicyFactories()) {
                    if (f instanceof MicrometerRoutePolicyFactory micrometer) {
                        micrometer.getPolicyConfiguration().setExcludePattern(PER_REQUEST_ROUTES);
                    }
                }
            }
        });
        LOG.info("Management server on http://{}:{}/observe/ (health: /observe/health/ready, metrics: /observe/metrics, jolokia)",
                hostForUrl(), port);
    }

    private boolean portFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
