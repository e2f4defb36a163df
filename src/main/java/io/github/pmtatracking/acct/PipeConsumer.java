package io.github.pmtatracking.acct;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads its endpoint's input on a thread of its own: one exchange, whose body is the input in chunks of lines. */
final class PipeConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(PipeConsumer.class);

    private final PipeEndpoint endpoint;
    private ExecutorService reader;
    private final AtomicBoolean reading = new AtomicBoolean();

    PipeConsumer(PipeEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        reader = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "pipe-" + endpoint.getName());
        // the route's later steps may be routes of their own (direct:): read once every route is up
        getEndpoint().getCamelContext().addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                if (alreadyStarted) {
                    onCamelContextFullyStarted(context, true);
                }
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                ExecutorService r = reader;
                if (r != null && reading.compareAndSet(false, true)) {
                    r.execute(PipeConsumer.this::readToTheEnd);
                }
            }
        });
    }

    private void readToTheEnd() {
        Exchange exchange = createExchange(false);
        try {
            LOG.info("Reading {} from {}", endpoint.getName(),
                    endpoint.readsStandardInput() ? "stdin" : endpoint.getFileName());
            BufferedReader in = new BufferedReader(new InputStreamReader(endpoint.open(), StandardCharsets.UTF_8), 1 << 16);
            try (InputChunks chunks = new InputChunks(in, endpoint.getChunkLines())) {
                exchange.getIn().setBody(chunks);
                getProcessor().process(exchange);
            }
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("Reading " + endpoint.getName() + " failed", exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    @Override
    protected void doStop() throws Exception {
        if (reader != null) {
            // a read blocked on a pipe is not interruptible; the thread ends with the process
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(reader);
            reader = null;
        }
        super.doStop();
    }
}
