package io.github.pmtatracking.wrapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session shows of itself for debugging, in the original's forms: with {@code verbose}, both
 * sides on logger {@code wrapper.trace} ({@code ->}/{@code <-}, {@code ~>}/{@code <~} once the
 * upstream leg is on TLS; AUTH credentials masked); the downstream debug file gets the client's
 * whole conversation, the upstream data debug file each message as sent upstream. Every call costs
 * a field test when its output is off.
 */
final class SessionTrace {

    private static final Logger TRACE = LoggerFactory.getLogger("wrapper.trace");

    private final boolean verbose;
    private final DebugFile downstream;
    private final DebugFile upstreamData;

    SessionTrace(boolean verbose, DebugFile downstream, DebugFile upstreamData) {
        this.verbose = verbose;
        this.downstream = downstream;
        this.upstreamData = upstreamData;
    }

    /** A line the proxy sends upstream, or an event ("---Connecting upstream"). */
    void upstream(boolean tls, String shown) {
        if (verbose) {
            TRACE.info("{}{}", tls ? "~> " : "-> ", shown);
        }
    }

    void event(String text) {
        if (verbose) {
            TRACE.info("{}", text);
        }
    }

    /** The upstream's reply. */
    void reply(boolean tls, SmtpReply r) {
        if (verbose) {
            TRACE.info("\t{} {}", tls ? "<~" : "<-", r);
        }
    }

    /** Client-side bytes, either way: lines, replies, the data. */
    void downstream(String text) {
        if (downstream != null) {
            downstream.write(text);
        }
    }

    void downstream(byte[] bytes) {
        if (downstream != null) {
            downstream.write(bytes);
        }
    }

    /** A message as it goes upstream (before dot-stuffing). */
    void upstreamData(byte[] message) {
        if (upstreamData != null) {
            upstreamData.write(message);
        }
    }

    /** An AUTH line as traced: mechanism shown, initial response masked. */
    static String maskAuth(String authLine) {
        String[] parts = authLine.split(" ");
        return parts.length > 2 ? parts[0] + " " + parts[1] + " <credentials>" : authLine;
    }
}
