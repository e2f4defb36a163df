package io.github.pmtatracking.wrapper;

/** Headers of the exchange the proxy makes of each message. */
public final class SmtpProxyConstants {

    /** The envelope sender (MAIL FROM, without brackets). */
    public static final String MAIL_FROM = "SmtpProxyMailFrom";
    /** The recipients the upstream accepted (List of String, without brackets). */
    public static final String RECIPIENTS = "SmtpProxyRecipients";
    /** The client's IP address. */
    public static final String CLIENT_ADDRESS = "SmtpProxyClientAddress";
    /** The client's EHLO/HELO name. */
    public static final String HELO = "SmtpProxyHelo";
    /** Whether the client's connection is on TLS (Boolean). */
    public static final String TLS = "SmtpProxyTls";
    /** The proxy's id of this message, for the logs: session id and message number. */
    public static final String MESSAGE_ID = "SmtpProxyMessageId";

    private SmtpProxyConstants() {
    }
}
