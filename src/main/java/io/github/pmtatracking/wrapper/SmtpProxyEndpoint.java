package io.github.pmtatracking.wrapper;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** The proxy as a route's source; it has no producer. */
public final class SmtpProxyEndpoint extends DefaultEndpoint {

    private final SmtpProxyConfiguration configuration;

    SmtpProxyEndpoint(String uri, SmtpProxyComponent component, SmtpProxyConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("smtp-proxy is only a route's source (from:)");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        SmtpProxyConsumer consumer = new SmtpProxyConsumer(this, processor, configuration);
        configureConsumer(consumer);
        return consumer;
    }
}
