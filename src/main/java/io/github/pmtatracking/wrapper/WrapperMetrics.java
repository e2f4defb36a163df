package io.github.pmtatracking.wrapper;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * The wrapper's counters for Prometheus, read from {@link WrapperStats} at scrape time:
 * {@code pmta_wrapper_messages_relayed_total}, {@code pmta_wrapper_messages_failed_total{reply_class="4xx|5xx"}}
 * (what the client was told), {@code pmta_wrapper_sessions_open},
 * {@code pmta_wrapper_route_failures_total}, {@code pmta_wrapper_messages_too_big_total},
 * {@code pmta_wrapper_messages_large_total} (routed on a worker thread), {@code pmta_wrapper_messages_over_memory_total},
 * {@code pmta_wrapper_messages_rewritten_total{result="tracked|untracked|unparseable"}},
 * {@code pmta_wrapper_commands_refused_total{reason}} (command lines the proxy refused, never relayed),
 * {@code pmta_wrapper_mime_faults_total{reason}} (the {@link MimeFault} labels) and
 * {@code pmta_wrapper_html_positioned_parses_total}.
 */
public final class WrapperMetrics implements MeterBinder {

    private final WrapperStats stats;

    public WrapperMetrics(WrapperStats stats) {
        this.stats = stats;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("pmta.wrapper.sessions.open", stats, WrapperStats::getSessionsOpen)
                .description("SMTP client sessions open now")
                .register(registry);
        FunctionCounter.builder("pmta.wrapper.messages.relayed", stats, WrapperStats::getMessagesRelayed)
                .description("Messages the upstream MTA accepted (the client got its 250)")
                .register(registry);
        failed(registry, "4xx", WrapperStats::getMessagesRefusedTransient);
        failed(registry, "5xx", WrapperStats::getMessagesRefusedPermanent);
        FunctionCounter.builder("pmta.wrapper.route.failures", stats, WrapperStats::getRouteFailures)
                .description("Messages the route failed on (the client got a 4xx and keeps the message)")
                .register(registry);
        FunctionCounter.builder("pmta.wrapper.messages.too.big", stats, WrapperStats::getMessagesTooBig)
                .description("Messages refused for passing the size limit")
                .register(registry);
        FunctionCounter.builder("pmta.wrapper.messages.over.memory", stats, WrapperStats::getMessagesOverMemory)
                .description("Messages refused with 452 4.3.1: the message memory (wrapper.message_memory) was full")
                .register(registry);
        FunctionCounter.builder("pmta.wrapper.messages.large", stats, WrapperStats::getLargeMessages)
                .description("Messages of at least wrapper.large_message_size bytes: their route ran on a worker thread")
                .register(registry);
        FunctionCounter.builder("pmta.wrapper.upstream.connections", stats, WrapperStats::getUpstreamConnections)
                .description("Connections opened to the upstream MTA")
                .register(registry);
        FunctionCounter.builder("pmta.wrapper.upstream.sessions.reused", stats, WrapperStats::getUpstreamSessionsReused)
                .description("Client sessions relayed over an upstream connection an earlier session left open"
                        + " (wrapper.upstream_reuse_seconds)")
                .register(registry);
        rewritten(registry, "tracked", WrapperStats::getMessagesTracked);
        rewritten(registry, "untracked", WrapperStats::getMessagesUntracked);
        rewritten(registry, "unparseable", WrapperStats::getMessagesUnparseable);
        FunctionCounter.builder("pmta.wrapper.html.positioned.parses", stats, WrapperStats::getHtmlPartsParsedWithPositions)
                .description("HTML parts the marked parse could not place alone, parsed again with jsoup's source positions"
                        + " (the same edits, at twice the parse's cost)")
                .register(registry);
        for (CommandRefusal reason : CommandRefusal.values()) {
            FunctionCounter.builder("pmta.wrapper.commands.refused", stats, s -> s.commandsRefused(reason))
                    .tag("reason", reason.label())
                    .description("Client command lines the proxy refused itself and never relayed, by reason")
                    .register(registry);
        }
        for (MimeFault fault : MimeFault.values()) {
            FunctionCounter.builder("pmta.wrapper.mime.faults", stats, s -> s.mimeFaults(fault))
                    .tag("reason", fault.label())
                    .description("MIME parts or branches not rewritten as declared: relayed as received"
                            + " (wrong_charset: tracked on its bytes)")
                    .register(registry);
        }
    }

    private void failed(MeterRegistry registry, String replyClass, ToDoubleFunction<WrapperStats> count) {
        FunctionCounter.builder("pmta.wrapper.messages.failed", stats, count)
                .tag("reply_class", replyClass)
                .description("Messages not relayed, by the class of the reply the client got: the upstream's refusals,"
                        + " route failures (451, or 554 for a MessageRejectedException) and size refusals (552, after DATA or at MAIL)")
                .register(registry);
    }

    private void rewritten(MeterRegistry registry, String result, ToDoubleFunction<WrapperStats> count) {
        FunctionCounter.builder("pmta.wrapper.messages.rewritten", stats, count)
                .tag("result", result)
                .description("Messages through the engagement-tracking step, by result")
                .register(registry);
    }
}
