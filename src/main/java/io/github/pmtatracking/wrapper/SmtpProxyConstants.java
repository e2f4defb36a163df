package io.github.pmtatracking.wrapper;

import org.apache.camel.spi.Metadata;

/** Headers of the exchange the proxy makes of each message. */
public final class SmtpProxyConstants {

    @Metadata(label = "consumer", description = "The envelope sender (MAIL FROM, without brackets).", javaType = "String")
    public static final String MAIL_FROM = "SmtpProxyMailFrom";
    @Metadata(label = "consumer", description = "The recipients the upstream accepted (without brackets).",
            javaType = "java.util.List<String>")
    public static final String RECIPIENTS = "SmtpProxyRecipients";
    @Metadata(label = "consumer", description = "The client's IP address.", javaType = "String")
    public static final String CLIENT_ADDRESS = "SmtpProxyClientAddress";
    @Metadata(label = "consumer", description = "The client's EHLO/HELO name.", javaType = "String")
    public static final String HELO = "SmtpProxyHelo";
    @Metadata(label = "consumer", description = "Whether the client's connection is on TLS.", javaType = "Boolean")
    public static final String TLS = "SmtpProxyTls";
    @Metadata(label = "consumer", description = "The proxy's id of this message, for the logs: session id and message number.",
            javaType = "String")
    public static final String MESSAGE_ID = "SmtpProxyMessageId";

    private SmtpProxyConstants() {
    }
}
