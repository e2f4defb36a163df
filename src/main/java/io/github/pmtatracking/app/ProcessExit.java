package io.github.pmtatracking.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a run-to-completion app (acct_etl) from its route, with the exit code it earned. Run beside
 * the services in one process, the end of its input ends only its own work.
 */
public final class ProcessExit {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessExit.class);

    private final Runnable complete;
    private final boolean alongsideServices;
    private volatile int code;

    ProcessExit(Runnable complete, boolean alongsideServices) {
        this.complete = complete;
        this.alongsideServices = alongsideServices;
    }

    /** The work is done: stop Camel and exit 0. */
    public void done() {
        if (alongsideServices) {
            LOG.info("acct_etl: end of input; the services go on");
            return;
        }
        complete.run();
    }

    /** The work cannot go on: stop Camel and exit 1. */
    public void failed(Exception cause) {
        LOG.error("{}: {}", alongsideServices ? "acct_etl stopped" : "Stopping",
                cause == null ? "unknown error" : cause.getMessage());
        if (alongsideServices) {
            return;
        }
        code = 1;
        complete.run();
    }

    int code() {
        return code;
    }
}
