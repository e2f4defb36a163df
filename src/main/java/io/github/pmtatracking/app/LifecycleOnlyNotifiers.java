package io.github.pmtatracking.app;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.EventFactory;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel Main registers event notifiers that only wait for the context's start or a route reload
 * (its property summary, the management server's summary, the Prometheus registry's reload hook)
 * without saying so: they turn every exchange event down in {@code isEnabled}, but Camel, not
 * told, builds an event object for every exchange created, sent and completed, only for them to
 * look at and drop. The tracker makes two exchanges per request and acct_etl one per record:
 * that was 3% of the tracker's CPU under load (JFR of bench/tracker.sh). Each notifier that turns
 * down a sample of every kind of exchange event is told to ignore them all; its own events still
 * reach it.
 */
final class LifecycleOnlyNotifiers extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleOnlyNotifiers.class);

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext camel = main.getCamelContext();
        List<CamelEvent> samples = samples(camel);
        for (EventNotifier notifier : camel.getManagementStrategy().getEventNotifiers()) {
            if (notifier instanceof SimpleEventNotifierSupport n && !n.isIgnoreExchangeEvents()
                    && samples.stream().noneMatch(n::isEnabled)) {
                n.setIgnoreExchangeEvents(true);
                n.setIgnoreStepEvents(true);
                LOG.debug("Event notifier {} needs no exchange events: told to ignore them", n.getClass().getName());
            }
        }
    }

    private static List<CamelEvent> samples(CamelContext camel) {
        EventFactory events = camel.getManagementStrategy().getEventFactory();
        Exchange sample = new DefaultExchange(camel);
        sample.setException(new IllegalStateException("sample"));
        return List.of(
                events.createExchangeCreatedEvent(sample),
                events.createExchangeCompletedEvent(sample),
                events.createExchangeFailedEvent(sample),
                events.createExchangeSendingEvent(sample, null),
                events.createExchangeSentEvent(sample, null, 0),
                events.createCamelExchangeAsyncProcessingStartedEvent(sample),
                events.createExchangeRedeliveryEvent(sample, 1),
                events.createStepStartedEvent(sample, "sample"),
                events.createStepCompletedEvent(sample, "sample"));
    }
}
