package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.config.Settings;
import io.github.pmtatracking.link.LinkCodec;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wrapper's beans, for routes/wrapper.yaml: the {@code smtp-proxy} component (whose options
 * the route's URI carries), the rewrite step {@code engagementTracking}, and the counters
 * ({@code wrapperStats} in JMX, {@code wrapperMetrics} for Prometheus). Each bean is built once and
 * bound by Camel Main when the instance is added as a configuration.
 */
public final class WrapperConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WrapperConfiguration.class);

    private final String ownTracker;
    private final WrapperStats stats = new WrapperStats();

    /** @param ownTracker the URL of a tracker in this same process (the quick start), or null */
    public WrapperConfiguration(String ownTracker) {
        this.ownTracker = ownTracker;
    }

    /** The counters, shared by every smtp-proxy endpoint, so a reloaded route counts on in the same MXBean. */
    @BindToRegistry("wrapperStats")
    public WrapperStats wrapperStats() {
        return stats;
    }

    @BindToRegistry("wrapperMetrics")
    public MeterBinder wrapperMetrics() {
        return new WrapperMetrics(stats);
    }

    @BindToRegistry("smtp-proxy")
    public SmtpProxyComponent smtpProxy() {
        SmtpProxyComponent component = new SmtpProxyComponent();
        component.setStats(stats);
        return component;
    }

    /**
     * The rewrite step: X-Sp-Message-Id always; wrapped links and pixels with a tracking URL. With
     * none set, the quick start (a tracker in this process) points them at its own tracker and
     * tracks clicks too, so the whole loop shows on one machine; a wrapper alone never defaults to
     * a localhost URL its recipients cannot reach.
     */
    @BindToRegistry("engagementTracking")
    public EngagementTracking engagementTracking(CamelContext camel) {
        Settings s = Settings.of(camel);
        String trackingUrl = s.text("wrapper.tracking_url");
        boolean trackClick = s.flag("wrapper.track_click");
        if (trackingUrl.isEmpty() && ownTracker != null) {
            trackingUrl = ownTracker;
            trackClick = true;
            LOG.info("No tracking URL set: links and pixels point at this process's own tracker, {}, opens and clicks"
                    + " tracked (set wrapper.tracking_url to the address your recipients reach)", ownTracker);
        }
        // the tracker's own bounds: a link it would refuse is not wrapped, so no click is lost
        LinkCodec codec = LinkCodec.builder().secret(s.text("link.secret"))
                .maxPathLength(s.wholeNumber("link.max_path_length"))
                .maxInflatedBytes(s.wholeNumber("link.max_inflated_bytes")).build();
        HtmlTracker tracker = trackingUrl.isEmpty() ? null : new HtmlTracker(codec, trackingUrl,
                s.flag("wrapper.track_open"), s.flag("wrapper.track_initial_open"), trackClick, s.flag("wrapper.track_trap_link"));
        TextLinkTracker textLinks = trackingUrl.isEmpty() || !trackClick || !s.flag("wrapper.track_text_links") ? null
                : new TextLinkTracker(codec, trackingUrl);
        EngagementTracking tracking = new EngagementTracking(tracker, textLinks,
                EngagementTracking.MultiRecipient.of(s.text("wrapper.multi_recipient")), s.wholeNumber("wrapper.max_tracked_part_size"));
        stats.tracking(tracking);
        LOG.info("Engagement tracking URL: {}", trackingUrl);
        return tracking;
    }
}
