package io.github.pmtatracking.app;

import io.github.pmtatracking.config.HostPort;
import io.github.pmtatracking.config.Settings;
import io.github.pmtatracking.redis.EmbeddedRedis;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.redis.RedisHealthCheck;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Camel context holding the routes of the chosen apps: their YAML files from {@code routes/}
 * (or the jar's copies), their beans, and Camel's own settings from
 * {@code config/application.properties}.
 */
final class CamelApplication {

    private static final Logger LOG = LoggerFactory.getLogger(CamelApplication.class);

    private final List<App> apps;
    private final Map<String, String> invocation;
    private final Settings settings;
    private final AppHome home;
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** {@code flags}: the command line's flags as settings keys ({@code tracker.in_hostport}), Camel override properties. */
    CamelApplication(List<App> apps, Map<String, String> flags, Settings settings, AppHome home) {
        this.apps = apps;
        this.invocation = flags;
        this.settings = settings;
        this.home = home;
    }

    int run() throws Exception {
        Main main = new Main() {
            @Override
            protected org.apache.camel.CamelContext createCamelContext() {
                org.apache.camel.CamelContext camel = super.createCamelContext();
                Settings.configure(camel.getPropertiesComponent());
                return camel;
            }
        };
        main.setAppName(apps.stream().map(App::command).collect(Collectors.joining("+")));
        // the one settings system: Camel's properties. Every default is in the jar's copy of
        // config/application.properties; the file on disk overrides it, environment variables
        // (A_X for a.x) and -D system properties override that, and flags override everything
        main.setDefaultPropertyPlaceholderLocation(Settings.locations(home.configFile()));
        main.addInitialProperty(Settings.HOME, home.dir().toString());
        invocation.forEach(main::addOverrideProperty);
        // the context's name is in every route MBean's name (Jolokia, Hawtio, jolokia-access.xml)
        main.addInitialProperty("camel.main.name", "pmta-tracking");
        // each app's own route file, and the error policy routes opt into (retry-policy.yaml)
        main.configure().withRoutesIncludePattern(java.util.stream.Stream.concat(
                        apps.stream().map(App::routeFile), java.util.stream.Stream.of(App.SHARED_ROUTE_FILE))
                .map(home::routeLocation)
                .collect(Collectors.joining(",")));
        main.addMainListener(new LifecycleOnlyNotifiers());
        // every CSV line of acct_etl is an exchange and every request three of the tracker's:
        // their ids are made per thread (Camel Main takes the registry's UuidGenerator)
        main.bind("exchangeIds", new StripedExchangeIds());
        boolean services = apps.stream().anyMatch(App::longRunning);
        ProcessExit exit = new ProcessExit(main::completed, services);
        main.bind("processExit", exit);
        // acct_etl alone is a pipe program: PowerMTA's records come before its metrics port
        new ManagementServer(settings, apps.get(0)).configure(main, !services);
        // our meters and Camel's share one registry, which the management server scrapes
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, metrics);
        try {
            if (services) {
                startEmbeddedRedisIfNeeded();
                configureRouteReload(main, metrics);
            }
            RedisConnections redis = null;
            if (apps.stream().anyMatch(a -> a != App.WRAPPER)) { // the wrapper alone never needs Redis
                RedisAddress address = RedisAddress.parse(settings.text("redis.url"));
                // one connection factory for the process, closed after every dataflow that uses it
                redis = new RedisConnections(address, Duration.ofSeconds(10), settings.flag("redis.cluster"));
                resources.add(redis);
                RedisConnections connections = redis;
                main.addMainListener(new MainListenerSupport() {
                    @Override
                    public void afterConfigure(BaseMainSupport m) {
                        // bound now, built when a step first looks it up
                        m.getCamelContext().getRegistry().bind(RedisConnections.BEAN,
                                org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory.class,
                                connections::factory);
                    }
                });
                main.bind("redisConnections", redis);
                RedisHealthCheck redisHealth = new RedisHealthCheck(redis);
                resources.add(redisHealth);
                main.bind("redisHealthCheck", redisHealth);
            }
            for (App app : apps) {
                // the dataflow's beans, from its configuration class; its counters in JMX and Prometheus
                main.configure().addConfiguration(app.configuration(ownTrackerUrl()));
                main.addMainListener(new MainListenerSupport() {
                    @Override
                    public void beforeStart(BaseMainSupport m) {
                        Registry registry = m.getCamelContext().getRegistry();
                        resources.add(JmxRegistration.register("io.github.pmtatracking:type=" + app.command() + ",name=stats",
                                registry.lookupByName(app.statsBean())));
                        registry.lookupByNameAndType(app.metricsBean(), MeterBinder.class).bindTo(metrics);
                    }
                });
            }
            if (apps.equals(List.of(App.ACCT_ETL))) {
                // a pipe program: when PowerMTA stops it, leave quickly
                main.addOverrideProperty("camel.main.shutdownTimeout", "10");
            }
            main.run();
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    LOG.warn("Closing {} failed: {}", resources.get(i), e.toString());
                }
            }
        }
        return exit.code();
    }

    /**
     * Services reload a route file edited in place (acct_etl never does: its route holds PowerMTA's
     * pipe, which a restart would cut), through {@link GuardedRouteReload}.
     */
    private void configureRouteReload(Main main, MeterRegistry metrics) {
        if (!settings.flag("routes.reload")) {
            return;
        }
        home.routesDirectory().ifPresent(dir -> {
            // only this process's own files: a tracker must not pick up an edited wrapper.yaml
            List<String> files = apps.stream().filter(App::longRunning).map(App::routeFile).toList();
            GuardedRouteReload reload = new GuardedRouteReload(dir, files);
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport m) {
                    try {
                        m.getCamelContext().addService(reload);
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot watch " + dir + ": " + e.getMessage(), e);
                    }
                }
            });
            FunctionCounter.builder("pmta.routes.reloads", reload, GuardedRouteReload::reloads)
                    .tag("result", "reloaded").description("Route files reloaded after an edit").register(metrics);
            FunctionCounter.builder("pmta.routes.reloads", reload, GuardedRouteReload::refused)
                    .tag("result", "refused").description("Edited route files that did not load (the previous version kept running)")
                    .register(metrics);
            LOG.info("Routes reload when {} in {} change", String.join(", ", files), dir);
        });
    }

    /**
     * The tracker of this same process, as a wrapper beside it reaches it, or null when none runs
     * here. Only then may the wrapper default to it (the quick start closes its loop on one
     * machine); a wrapper run alone never defaults to a localhost URL its recipients cannot reach.
     */
    private String ownTrackerUrl() {
        if (!apps.contains(App.TRACKER)) {
            return null;
        }
        HostPort listen = HostPort.parse(settings.text("tracker.in_hostport"), "-in_hostport");
        String host = listen.anyAddress() ? "localhost" : listen.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.port();
    }

    /** Quick start: a real redis-server when the configured loopback Redis is absent. */
    private void startEmbeddedRedisIfNeeded() throws java.io.IOException {
        if (!settings.flag("redis.embedded")) {
            return;
        }
        RedisAddress address = RedisAddress.parse(settings.text("redis.url"));
        java.nio.file.Path dir = settings.path("redis.embedded_dir");
        EmbeddedRedis.startIfAbsent(address, dir).ifPresent(resources::add); // closed last, after its clients
    }
}
