package io.github.pmtatracking.wrapper;

import java.util.Locale;
import java.util.Set;

/**
 * Which client command lines go upstream: an allow-list by verb, checked against the session's
 * state and what its EHLO reply offered. Everything else the proxy answers itself and never
 * relays, so an upstream that trusts the proxy's address (XCLIENT, XFORWARD, relaying rights)
 * only ever hears commands the proxy understood. Stateless: the session passes its state in.
 *
 * <p>Relayed: HELO, EHLO, MAIL, RCPT, DATA (the proxy then reads the message), RSET, NOOP, QUIT,
 * and STARTTLS and AUTH when offered. Answered here: VRFY (252, as RFC 5321 7.3 asks of a site
 * that disables it: the upstream's mailboxes are not the client's to probe) and HELP (214, the
 * proxy's own command list, not the upstream's).
 */
final class SmtpCommandPolicy {

    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
    static final int MAX_LINE = 512;
    /**
     * MAIL and RCPT carry the parameters of the extensions relayed (RFC 5321 4.5.3.1.4 lets
     * extensions raise the limit: SIZE, DSN's ENVID and ORCPT, AUTH=, UTF-8 addresses), so they may
     * reach 2048 octets, Postfix's {@code line_length_limit}.
     */
    static final int MAX_ENVELOPE_LINE = 2048;
    /** RFC 4954 4: an AUTH line with its initial response, and each SASL response, up to 12288 octets. */
    static final int MAX_AUTH_LINE = 12288;

    /**
     * Known, never relayed: 502 5.5.1 (RFC 5321 4.2.4). XCLIENT and XFORWARD would let the client
     * choose the address and name the upstream records and trusts; EXPN lists the upstream's
     * aliases (RFC 5321 7.3); TURN, ETRN and ATRN start queue runs or reverse the roles (RFC 821,
     * 1985, 2645); SEND, SOML, SAML are gone (RFC 5321 F.6); XMRG, XDFN and XPRT are PowerMTA's mail
     * merge and XEXCH50 Exchange's, whose data the proxy cannot read; VERB and ONEX are sendmail's.
     */
    private static final Set<String> NOT_IMPLEMENTED = Set.of("XCLIENT", "XFORWARD", "EXPN", "TURN", "ETRN", "ATRN",
            "SEND", "SOML", "SAML", "XMRG", "XDFN", "XPRT", "XEXCH50", "VERB", "ONEX");

    /**
     * What the session knows; {@code offer} is null before a successful HELO or EHLO;
     * {@code recipientsFull}: the transaction has as many recipients as the proxy takes in one.
     */
    record State(EsmtpOffer offer, boolean inTransaction, boolean hasRecipients, boolean authenticated,
                 boolean recipientsFull) {
        State(EsmtpOffer offer, boolean inTransaction, boolean hasRecipients, boolean authenticated) {
            this(offer, inTransaction, hasRecipients, authenticated, false);
        }
    }

    /** The outcome for one line. */
    sealed interface Verdict permits Relay, Answer, Refuse {
    }

    /** Goes upstream; {@code path} is MAIL's sender or RCPT's recipient, without brackets. */
    record Relay(String verb, String path) implements Verdict {
    }

    /** Answered by the proxy, not a refusal. */
    record Answer(SmtpReply reply) implements Verdict {
    }

    /** Refused by the proxy. */
    record Refuse(SmtpReply reply, CommandRefusal reason) implements Verdict {
    }

    private SmtpCommandPolicy() {
    }

    static Verdict check(String line, int octets, State s) {
        Refuse bad = badBytes(line);
        if (bad != null) {
            return bad;
        }
        String verb = verb(line);
        String arg = argument(line);
        if (octets + 2 > limit(verb)) {
            return refusal(CommandRefusal.TOO_LONG);
        }
        return switch (verb) {
            case "HELO", "EHLO" -> arg.isEmpty() ? refuse(501, "5.5.4 Syntax: " + verb + " hostname", CommandRefusal.SYNTAX)
                    : new Relay(verb, null);
            case "MAIL" -> EnvelopePolicy.mail(line, s);
            case "RCPT" -> EnvelopePolicy.rcpt(line, s);
            case "DATA" -> data(arg, s);
            case "RSET", "QUIT" -> arg.isEmpty() ? new Relay(verb, null) // RFC 5321 4.1.1: no parameters
                    : refuse(501, "5.5.4 Syntax: " + verb, CommandRefusal.SYNTAX);
            case "NOOP" -> new Relay(verb, null); // its argument is ignored (RFC 5321 4.1.1.9)
            case "VRFY" -> arg.isEmpty() ? refuse(501, "5.5.4 Syntax: VRFY address", CommandRefusal.SYNTAX)
                    : new Answer(SmtpReply.of(252, "2.5.2 Cannot VRFY user, but will accept message and attempt delivery"));
            case "HELP" -> new Answer(SmtpReply.of(214, "2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP"
                    + (s.offer() != null && s.offer().offers("STARTTLS") ? " STARTTLS" : "")
                    + (s.offer() != null && s.offer().offers("AUTH") ? " AUTH" : "")));
            case "STARTTLS" -> startTls(arg, s);
            case "AUTH" -> auth(arg, s);
            // CHUNKING is never offered (the proxy reads only DATA), so BDAT never is either (RFC 3030 2)
            case "BDAT" -> refuse(502, "5.5.1 BDAT not supported (CHUNKING is not offered)", CommandRefusal.NOT_OFFERED);
            default -> NOT_IMPLEMENTED.contains(verb)
                    ? refuse(502, "5.5.1 Error: command not implemented", CommandRefusal.NOT_IMPLEMENTED)
                    : refuse(500, "5.5.1 Error: command not recognized", CommandRefusal.UNRECOGNIZED);
        };
    }

    /** A SASL response line inside AUTH (RFC 4954 4): only the bytes and the length are checked. */
    static Refuse checkSaslResponse(String line, int octets) {
        Refuse bad = badBytes(line);
        return bad != null ? bad : octets + 2 > MAX_AUTH_LINE ? refusal(CommandRefusal.TOO_LONG) : null;
    }

    /** The reply for a refusal the decoder found (too long, not UTF-8) or the others with one fixed reply. */
    static Refuse refusal(CommandRefusal reason) {
        return switch (reason) {
            // RFC 5321 4.5.3.1.9: "500 Line too long"
            case TOO_LONG -> refuse(500, "5.5.2 Error: line too long", reason);
            case INVALID_UTF8 -> refuse(500, "5.5.2 Error: command is not valid UTF-8", reason);
            case CONTROL_BYTES -> refuse(500, "5.5.2 Error: control characters in command", reason);
            default -> throw new IllegalArgumentException(reason.toString());
        };
    }

    /** The verb for a log line: printable, short, never the arguments (they may hold credentials). */
    static String shown(String line) {
        String v = verb(line);
        v = v.length() > 16 ? v.substring(0, 16) : v;
        return v.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /**
     * NUL, CR and every other C0 control but TAB, and DEL: never relayed. A CR here is one the
     * decoder kept because no LF followed it; the upstream could end the line there and read what
     * follows as a second command the proxy never checked (the command-line form of SMTP smuggling).
     */
    private static Refuse badBytes(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return refusal(CommandRefusal.CONTROL_BYTES);
            }
        }
        return null;
    }

    private static int limit(String verb) {
        return switch (verb) {
            case "MAIL", "RCPT" -> MAX_ENVELOPE_LINE;
            case "AUTH" -> MAX_AUTH_LINE;
            default -> MAX_LINE;
        };
    }

    private static Verdict data(String arg, State s) {
        if (!arg.isEmpty()) {
            return refuse(501, "5.5.4 Syntax: DATA", CommandRefusal.SYNTAX); // RFC 5321 4.1.1: no parameters
        }
        if (!s.inTransaction()) {
            return refuse(503, "5.5.1 Error: need MAIL command", CommandRefusal.BAD_SEQUENCE);
        }
        if (!s.hasRecipients()) {
            return refuse(554, "5.5.1 Error: no valid recipients", CommandRefusal.BAD_SEQUENCE);
        }
        return new Relay("DATA", null);
    }

    private static Verdict startTls(String arg, State s) {
        if (!arg.isEmpty()) {
            return refuse(501, "5.5.4 Syntax error (no parameters allowed)", CommandRefusal.SYNTAX); // RFC 3207 4
        }
        if (s.offer() == null || !s.offer().offers("STARTTLS")) {
            // not before EHLO, not after HELO, not on TLS already, not without a certificate
            return refuse(502, "5.5.1 STARTTLS not available", CommandRefusal.NOT_OFFERED);
        }
        if (s.inTransaction()) {
            // the upstream leg would refuse its own STARTTLS mid-transaction and the session would end
            return refuse(503, "5.5.1 Error: MAIL transaction in progress", CommandRefusal.BAD_SEQUENCE);
        }
        return new Relay("STARTTLS", null);
    }

    private static Verdict auth(String arg, State s) {
        if (s.offer() == null) {
            return refuse(503, "5.5.1 Error: send EHLO first", CommandRefusal.BAD_SEQUENCE);
        }
        if (!s.offer().offers("AUTH")) {
            // with a certificate the proxy shows AUTH only on TLS, so credentials never cross in clear
            return s.offer().offers("STARTTLS")
                    ? refuse(530, "5.7.0 Must issue a STARTTLS command first", CommandRefusal.NOT_OFFERED) // RFC 3207 4
                    : refuse(502, "5.5.1 AUTH not available", CommandRefusal.NOT_OFFERED);
        }
        if (s.authenticated()) {
            return refuse(503, "5.5.1 Error: already authenticated", CommandRefusal.BAD_SEQUENCE); // RFC 4954 4
        }
        if (s.inTransaction()) {
            return refuse(503, "5.5.1 Error: MAIL transaction in progress", CommandRefusal.BAD_SEQUENCE); // RFC 4954 4
        }
        String mechanism = arg.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        if (mechanism.isEmpty()) {
            return refuse(501, "5.5.4 Syntax: AUTH mechanism", CommandRefusal.SYNTAX);
        }
        if (!s.offer().authMechanisms().contains(mechanism)) {
            return refuse(504, "5.5.4 Unrecognized authentication type", CommandRefusal.SYNTAX); // RFC 4954 6
        }
        return new Relay("AUTH", null);
    }

    static String verb(String line) {
        int sp = line.indexOf(' ');
        return (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    private static String argument(String line) {
        int sp = line.indexOf(' ');
        return sp < 0 ? "" : line.substring(sp + 1).trim();
    }

    static Refuse refuse(int code, String text, CommandRefusal reason) {
        return new Refuse(SmtpReply.of(code, text), reason);
    }
}
