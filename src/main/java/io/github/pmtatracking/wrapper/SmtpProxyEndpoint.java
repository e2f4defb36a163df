package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.config.HostPort;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP proxy as a route's source: each message a client sends becomes one exchange, and what
 * the route leaves in the body goes upstream (see routes/wrapper.yaml). When it starts it builds
 * what its sessions share: the STARTTLS policy of both legs, the debug files, and the quick
 * start's outbox when no upstream is set.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "smtp-proxy", title = "SMTP Proxy", syntax = "smtp-proxy:listen",
        consumerOnly = true, category = {Category.MAIL}, headersClass = SmtpProxyConstants.class, generateConfigurer = false)
public final class SmtpProxyEndpoint extends DefaultEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpProxyEndpoint.class);

    @UriParam
    private final SmtpProxyConfiguration configuration;
    private StartTlsPolicy startTls;
    private SessionTrace trace;
    private MessageMemory memory;
    private DebugFile downstreamDebug;
    private DebugFile upstreamDataDebug;
    private OutboxServer outbox;
    private String upstreamHost;
    private int upstreamPort;

    SmtpProxyEndpoint(String uri, SmtpProxyComponent component, SmtpProxyConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public SmtpProxyComponent getComponent() {
        return (SmtpProxyComponent) super.getComponent();
    }

    public SmtpProxyConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("smtp-proxy is only a route's source (from:)");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        SmtpProxyConsumer consumer = new SmtpProxyConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        configuration.listenAddress(); // a bad listen address fails here, naming itself
        startTls = StartTlsPolicy.of(configuration, getCamelContext());
        downstreamDebug = debugFile(configuration.getDownstreamDebug());
        upstreamDataDebug = debugFile(configuration.getUpstreamDataDebug());
        trace = new SessionTrace(configuration.isVerbose(), downstreamDebug, upstreamDataDebug);
        memory = MessageMemory.of(configuration.getMessageMemory());
        if (configuration.getUpstream().isEmpty()) {
            if (configuration.getOutboxDir().isEmpty()) {
                throw new IllegalArgumentException("smtp-proxy: set upstream (-out_hostport), or outboxDir for the outbox");
            }
            outbox = new OutboxServer(Path.of(configuration.getOutboxDir()));
            upstreamHost = "127.0.0.1";
            upstreamPort = outbox.port();
        } else {
            HostPort up = HostPort.parse(configuration.getUpstream(), "-out_hostport").fromThisHost(); // ":25": this host
            upstreamHost = up.host();
            upstreamPort = up.port();
        }
        // as the original reports its settings at start
        LOG.info("Incoming host:port set to {}", configuration.listenAddress());
        LOG.info("Outgoing host:port set to {}", upstreamAddress());
        LOG.info("insecure_skip_verify (Skip check of peer cert on upstream side): {}", configuration.isInsecureSkipVerify());
        LOG.info("Verbose SMTP conversation logging: {}", configuration.isVerbose());
        if (configuration.getMaxMessageSize() <= 0 || configuration.getMaxMessageSize() > memory.budget()) {
            LOG.info("Messages are taken up to {} bytes, the message memory (wrapper.message_memory, an eighth of the heap"
                    + " unless set), not wrapper.max_message_size {}: raise the heap (JAVA_OPTS -Xmx) for larger ones",
                    memory.budget(), configuration.getMaxMessageSize());
        }
    }

    @Override
    protected void doStop() throws Exception {
        close(outbox);
        close(downstreamDebug);
        close(upstreamDataDebug);
        outbox = null;
        downstreamDebug = null;
        upstreamDataDebug = null;
        super.doStop();
    }

    private static DebugFile debugFile(String path) throws IOException {
        if (path.isEmpty()) {
            return null;
        }
        LOG.info("Proxy writing to debug file {}", path);
        return new DebugFile(Path.of(path));
    }

    private static void close(AutoCloseable resource) {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", resource, e.toString());
            }
        }
    }

    WrapperStats stats() {
        return getComponent().getStats();
    }

    MessageMemory memory() {
        return memory;
    }

    /** The largest message taken: maxMessageSize, within what the message memory can hold at all (0: no limit). */
    long maxMessageSize() {
        long max = configuration.getMaxMessageSize();
        return max > 0 ? Math.min(max, memory.budget()) : memory.budget();
    }

    StartTlsPolicy startTls() {
        return startTls;
    }

    SessionTrace trace() {
        return trace;
    }

    String upstreamHost() {
        return upstreamHost;
    }

    int upstreamPort() {
        return upstreamPort;
    }

    String upstreamAddress() {
        return new HostPort(upstreamHost, upstreamPort).toString();
    }
}
