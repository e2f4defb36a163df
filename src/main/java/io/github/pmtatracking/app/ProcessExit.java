package io.github.pmtatracking.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ends a run-to-completion app (acct_etl) from its route, with the exit code it earned. */
public final class ProcessExit {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessExit.class);

    private final Runnable complete;
    private volatile int code;

    ProcessExit(Runnable complete) {
        this.complete = complete;
    }

    /** The work is done: stop Camel and exit 0. */
    public void done() {
        complete.run();
    }

    /** The work cannot go on: stop Camel and exit 1. */
    public void failed(Exception cause) {
        LOG.error("Stopping: {}", cause == null ? "unknown error" : cause.getMessage());
        code = 1;
        complete.run();
    }

    int code() {
        return code;
    }
}
