package io.github.pmtatracking.wrapper;

/** Why the proxy refused a client's command line itself, without relaying it (counted per reason). */
enum CommandRefusal {
    /** A verb the proxy does not know: 500 5.5.1. */
    UNRECOGNIZED("unrecognized"),
    /** A verb it knows and never relays (XCLIENT, XFORWARD, ETRN, EXPN...): 502 5.5.1. */
    NOT_IMPLEMENTED("not_implemented"),
    /** An extension's command that the EHLO reply did not offer (STARTTLS, AUTH, BDAT): 502 or 530. */
    NOT_OFFERED("not_offered"),
    /** Out of sequence (MAIL before EHLO, RCPT before MAIL, AUTH twice...): 503. */
    BAD_SEQUENCE("bad_sequence"),
    /** Malformed arguments: 501, 504. */
    SYNTAX("syntax"),
    /** A MAIL or RCPT parameter whose extension was not offered, or unknown: 555 5.5.4. */
    PARAMETER_NOT_OFFERED("parameter_not_offered"),
    /** NUL, CR or another control byte inside the line: 500 5.5.2. */
    CONTROL_BYTES("control_bytes"),
    /** Bytes that are not UTF-8 (the line could not be relayed as sent): 500 5.5.2. */
    INVALID_UTF8("invalid_utf8"),
    /** Longer than the limit for its verb: 500 5.5.2. */
    TOO_LONG("too_long"),
    /**
     * A RCPT past the proxy's recipients per transaction (maxRecipients): 452 4.5.3. The client
     * did nothing wrong, so it counts toward no session limit.
     */
    TOO_MANY_RECIPIENTS("too_many_recipients", false),
    /** MAIL with a SIZE over the limit offered: 552 5.3.4. */
    DECLARED_SIZE("declared_size"),
    /** Bytes sent ahead behind STARTTLS or DATA: 554, connection closed. */
    PIPELINED("pipelined"),
    /** The session reached the limit of refused commands: 421, connection closed. */
    TOO_MANY_ERRORS("too_many_errors");

    private final String label;
    private final boolean clientFault;

    CommandRefusal(String label) {
        this(label, true);
    }

    CommandRefusal(String label, boolean clientFault) {
        this.label = label;
        this.clientFault = clientFault;
    }

    /**
     * Whether the client did something wrong: only such refusals are logged at INFO and count
     * toward the session's limit (maxRefusedCommands).
     */
    boolean clientFault() {
        return clientFault;
    }

    /** The name in JMX and in the Prometheus tag. */
    String label() {
        return label;
    }
}
