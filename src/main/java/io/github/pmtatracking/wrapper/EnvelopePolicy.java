package io.github.pmtatracking.wrapper;

import static io.github.pmtatracking.wrapper.SmtpCommandPolicy.refuse;

import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Refuse;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Relay;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.State;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Verdict;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * MAIL and RCPT for {@link SmtpCommandPolicy}: the sequence, the syntax, and each ESMTP parameter
 * against the extensions the EHLO reply offered. A parameter of an extension the proxy removed
 * (BODY=BINARYMIME, DSN's when the upstream has no DSN, anything XCLIENT-like) never reaches the
 * upstream, and a declared SIZE over the limit is refused before any data moves.
 */
final class EnvelopePolicy {

    /** MAIL parameters and the EHLO keyword that must have been offered for each; any other gets 555 (RFC 5321 4.1.1.11). */
    private static final Map<String, String> MAIL_PARAMETERS = Map.of(
            "SIZE", "SIZE", // RFC 1870
            "BODY", "8BITMIME", // RFC 6152 (BODY=BINARYMIME needs BINARYMIME, never offered: RFC 3030)
            "SMTPUTF8", "SMTPUTF8", // RFC 6531
            "RET", "DSN", "ENVID", "DSN", // RFC 3461
            "AUTH", "AUTH", // RFC 4954 5
            "BY", "DELIVERBY", // RFC 2852
            "MT-PRIORITY", "MT-PRIORITY", // RFC 6710
            "REQUIRETLS", "REQUIRETLS"); // RFC 8689
    /** RCPT parameters and their EHLO keyword: DSN's NOTIFY and ORCPT (RFC 3461 4.1, 4.2). */
    private static final Map<String, String> RCPT_PARAMETERS = Map.of("NOTIFY", "DSN", "ORCPT", "DSN");
    /** Parameters that take no value. */
    private static final Set<String> BARE_PARAMETERS = Set.of("SMTPUTF8", "REQUIRETLS");

    private EnvelopePolicy() {
    }

    static Verdict mail(String line, State s) {
        if (s.offer() == null) {
            return refuse(503, "5.5.1 Error: send HELO/EHLO first", CommandRefusal.BAD_SEQUENCE);
        }
        if (s.inTransaction()) {
            return refuse(503, "5.5.1 Error: nested MAIL command", CommandRefusal.BAD_SEQUENCE);
        }
        EnvelopeCommand mail;
        try {
            mail = EnvelopeCommand.parse(line, "FROM:");
        } catch (IllegalArgumentException e) {
            return refuse(501, "5.5.4 Syntax: MAIL FROM:<address> [parameters] (" + e.getMessage() + ")", CommandRefusal.SYNTAX);
        }
        for (Map.Entry<String, String> p : mail.parameters().entrySet()) {
            Refuse r = parameter(p.getKey(), p.getValue(), MAIL_PARAMETERS, s.offer());
            if (r != null) {
                return r;
            }
        }
        return new Relay("MAIL", mail.path());
    }

    static Verdict rcpt(String line, State s) {
        if (!s.inTransaction()) {
            return refuse(503, "5.5.1 Error: need MAIL command", CommandRefusal.BAD_SEQUENCE);
        }
        EnvelopeCommand rcpt;
        try {
            rcpt = EnvelopeCommand.parse(line, "TO:");
        } catch (IllegalArgumentException e) {
            return refuse(501, "5.5.4 Syntax: RCPT TO:<address> [parameters] (" + e.getMessage() + ")", CommandRefusal.SYNTAX);
        }
        for (Map.Entry<String, String> p : rcpt.parameters().entrySet()) {
            Refuse r = parameter(p.getKey(), p.getValue(), RCPT_PARAMETERS, s.offer());
            if (r != null) {
                return r;
            }
        }
        if (s.recipientsFull()) {
            // RFC 5321 4.5.3.1.10: the client sends this recipient again in a later transaction
            return refuse(452, "4.5.3 Too many recipients", CommandRefusal.TOO_MANY_RECIPIENTS);
        }
        return new Relay("RCPT", rcpt.path());
    }

    /**
     * One parameter: its extension must have been offered (else 555, RFC 5321 4.1.1.11), a bare one takes
     * no value and the others need one; SIZE and BODY are checked whole, since the proxy acts on the
     * first and BODY=BINARYMIME belongs to an extension it removed. Other values are the upstream's to judge.
     */
    private static Refuse parameter(String keyword, String value, Map<String, String> known, EsmtpOffer offer) {
        String extension = known.get(keyword);
        if (extension == null || !offer.offers(extension)
                || keyword.equals("BODY") && "BINARYMIME".equalsIgnoreCase(value)) {
            String shown = keyword.equals("BODY") && value != null ? "BODY=" + value.toUpperCase(Locale.ROOT) : keyword;
            return refuse(555, "5.5.4 " + shown + " parameter not recognized or not offered", CommandRefusal.PARAMETER_NOT_OFFERED);
        }
        if (BARE_PARAMETERS.contains(keyword) != (value == null)) {
            return refuse(501, "5.5.4 Bad " + keyword + " parameter", CommandRefusal.SYNTAX);
        }
        return switch (keyword) {
            case "SIZE" -> size(value, offer.sizeLimit());
            case "BODY" -> value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME") ? null
                    : refuse(501, "5.5.4 Bad BODY parameter", CommandRefusal.SYNTAX);
            default -> null;
        };
    }

    /**
     * RFC 1870: size-value is 1*20DIGIT, and a size over the fixed maximum gets 552 at MAIL, so
     * the client learns before it sends the data and nothing goes upstream. A valid 20-digit value
     * past what a long holds is simply too big.
     */
    private static Refuse size(String value, long limit) {
        if (!value.matches("[0-9]{1,20}")) {
            return refuse(501, "5.5.4 Bad SIZE parameter", CommandRefusal.SYNTAX);
        }
        if (limit > 0 && new BigInteger(value).compareTo(BigInteger.valueOf(limit)) > 0) {
            return refuse(552, "5.3.4 Message size exceeds the limit of " + limit + " bytes", CommandRefusal.DECLARED_SIZE);
        }
        return null;
    }
}
