package io.github.pmtatracking.app;

import io.github.pmtatracking.config.HostPort;
import io.github.pmtatracking.wrapper.WrapperMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.wrapper.DebugFile;
import io.github.pmtatracking.wrapper.EngagementTracking;
import io.github.pmtatracking.wrapper.HtmlTracker;
import io.github.pmtatracking.wrapper.OutboxServer;
import io.github.pmtatracking.wrapper.SmtpProxyComponent;
import io.github.pmtatracking.wrapper.SmtpProxyConfiguration;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SMTP proxy's configuration and the quick start's outbox, built from the settings. */
final class WrapperWiring implements Dataflow {

    private static final Logger LOG = LoggerFactory.getLogger(WrapperWiring.class);

    private final SmtpProxyConfiguration config = new SmtpProxyConfiguration();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final EngagementTracking tracking;

    /** {@code ownTracker}: the URL of a tracker in this same process, or null. */
    WrapperWiring(Settings s, AppHome home, String ownTracker) throws IOException {
        HostPort in = HostPort.parse(s.get("wrapper.in_hostport", "localhost:587"), "-in_hostport");
        config.listen(in.host(), in.port());
        String out = s.get("wrapper.out_hostport", "");
        if (out.isEmpty()) {
            OutboxServer outbox = new OutboxServer(home.resolve(s.get("wrapper.outbox_dir", "data/outbox")));
            resources.add(outbox);
            config.upstream("127.0.0.1", outbox.port());
        } else {
            HostPort up = HostPort.parse(out, "-out_hostport");
            config.upstream(up.host().equals("0.0.0.0") ? "127.0.0.1" : up.host(), up.port());
        }
        String cert = s.get("wrapper.certfile", "");
        String key = s.get("wrapper.privkeyfile", "");
        if (cert.isEmpty() != key.isEmpty()) {
            throw new IllegalArgumentException("wrapper: -certfile and -privkeyfile go together");
        }
        if (!cert.isEmpty()) {
            config.serverTls(SslContextBuilder.forServer(new File(cert), new File(key)).build());
            LOG.info("Gathered certificate {} and key {}", cert, key);
        }
        boolean insecure = s.getBoolean("wrapper.insecure_skip_verify", false);
        SslContextBuilder client = SslContextBuilder.forClient();
        if (insecure) {
            client.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            client.endpointIdentificationAlgorithm("HTTPS"); // the certificate must name the upstream host
        }
        config.upstreamTls(client.build(), s.getBoolean("wrapper.upstream_starttls", true)
                ? SmtpProxyConfiguration.UpstreamTls.OPPORTUNISTIC : SmtpProxyConfiguration.UpstreamTls.OFF);
        config.maxMessageSize(s.getLong("wrapper.max_message_size", 50L * 1024 * 1024));
        config.timeouts(s.getInt("wrapper.idle_timeout_seconds", 300), s.getInt("wrapper.reply_timeout_seconds", 300),
                s.getInt("wrapper.data_timeout_seconds", 600));
        config.maxConnections(s.getInt("wrapper.max_connections", 500));
        config.drainTimeout(s.getInt("wrapper.drain_timeout_seconds", 20));
        config.maxRefusedCommands(s.getInt("wrapper.max_refused_commands", 20));
        config.tlsAuthOnly(s.getBoolean("wrapper.tls_auth_only", true));
        config.verbose(s.getBoolean("wrapper.verbose", false));
        config.debugFiles(debugFile(s.get("wrapper.downstream_debug", "")), debugFile(s.get("wrapper.upstream_data_debug", "")));
        String trackingUrl = s.get("wrapper.tracking_url", "");
        boolean trackClick = s.getBoolean("wrapper.track_click", false);
        if (trackingUrl.isEmpty() && ownTracker != null) {
            // the quick start: show the whole loop on one machine, opens and clicks
            trackingUrl = ownTracker;
            trackClick = true;
            LOG.info("No tracking URL set: links and pixels point at this process's own tracker, {}, opens and clicks"
                    + " tracked (set wrapper.tracking_url to the address your recipients reach)", ownTracker);
        }
        HtmlTracker tracker = trackingUrl.isEmpty() ? null : new HtmlTracker(
                // the tracker's own bounds: a link it would refuse is not wrapped, so no click is lost
                LinkCodec.builder().secret(s.get("link.secret", ""))
                        .maxPathLength(s.getInt("link.max_path_length", LinkCodec.DEFAULT_MAX_PATH_LENGTH))
                        .maxInflatedBytes(s.getInt("link.max_inflated_bytes", LinkCodec.DEFAULT_MAX_INFLATED_BYTES)).build(),
                trackingUrl,
                s.getBoolean("wrapper.track_open", true), s.getBoolean("wrapper.track_initial_open", false),
                trackClick);
        String multi = s.get("wrapper.multi_recipient", "tracked").toUpperCase(java.util.Locale.ROOT);
        if (!multi.equals("TRACKED") && !multi.equals("UNTRACKED")) {
            throw new IllegalArgumentException("wrapper: -multi_recipient is tracked or untracked, not " + multi.toLowerCase());
        }
        this.tracking = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.valueOf(multi));
        config.stats().tracking(tracking);
        LOG.info("Engagement tracking URL: {}", trackingUrl);
        LOG.info("Incoming host:port set to {}", config.listenAddress());
        LOG.info("Outgoing host:port set to {}", config.upstreamAddress());
        LOG.info("insecure_skip_verify (Skip check of peer cert on upstream side): {}", insecure);
        LOG.info("Verbose SMTP conversation logging: {}", s.getBoolean("wrapper.verbose", false));
    }

    private DebugFile debugFile(String path) throws IOException {
        if (path.isEmpty()) {
            return null;
        }
        DebugFile f = new DebugFile(Path.of(path));
        resources.add(f);
        LOG.info("Proxy writing to debug file {}", path);
        return f;
    }

    @Override
    public void bindTo(Main main) {
        main.bind("smtp-proxy", new SmtpProxyComponent(config));
        main.bind("engagementTracking", tracking);
    }

    @Override
    public Object stats() {
        return config.stats();
    }

    @Override
    public MeterBinder metrics() {
        return new WrapperMetrics(config.stats());
    }

    @Override
    public void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", r, e.toString());
            }
        }
    }
}
