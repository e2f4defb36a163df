package io.github.pmtatracking.wrapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the client sees of the upstream's EHLO keywords: those the proxy honours. CHUNKING,
 * BINARYMIME, XCLIENT and every other extension it does not implement are removed; STARTTLS is
 * shown only when the proxy can offer it itself; SIZE shows the smaller of the two limits. What is
 * shown is also what {@link SmtpCommandPolicy} lets through afterwards (see {@link EsmtpOffer}).
 */
final class Capabilities {

    /** Extensions that pass through the proxy unchanged: their parameters ride on MAIL, RCPT or AUTH lines it relays. */
    private static final Set<String> RELAYED = Set.of("8BITMIME", "AUTH", "DSN", "ENHANCEDSTATUSCODES", "PIPELINING",
            "SMTPUTF8", "DELIVERBY", "MT-PRIORITY", "REQUIRETLS", "HELP");

    private Capabilities() {
    }

    /** Whether the EHLO reply offers STARTTLS. */
    static boolean offersStartTls(SmtpReply ehlo) {
        for (int i = 1; i < ehlo.lines().size(); i++) {
            if (keyword(ehlo.lines().get(i)).equals("STARTTLS")) {
                return true;
            }
        }
        return false;
    }

    /** The upstream's SIZE limit, 0 when it states none. */
    static long size(SmtpReply ehlo) {
        for (int i = 1; i < ehlo.lines().size(); i++) {
            String l = ehlo.lines().get(i).trim();
            if (keyword(l).equals("SIZE") && l.length() > 5) {
                try {
                    return Long.parseLong(l.substring(5).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /**
     * @param offerAuth false to withhold AUTH (the client could STARTTLS first, and credentials
     *     should not cross in clear)
     * @param bothLegsTls whether client and upstream legs are on TLS: REQUIRETLS promises TLS on
     *     every hop (RFC 8689), which the proxy keeps only then
     */
    static SmtpReply filter(SmtpReply ehlo, boolean offerStartTls, boolean offerAuth, boolean bothLegsTls, long maxSize) {
        List<String> lines = new ArrayList<>();
        lines.add(ehlo.lines().get(0));
        boolean sawSize = false;
        for (int i = 1; i < ehlo.lines().size(); i++) {
            String l = ehlo.lines().get(i);
            String k = keyword(l);
            if (k.equals("SIZE")) {
                long upstream = size(new SmtpReply(250, List.of("", l)));
                long limit = upstream == 0 ? maxSize : maxSize == 0 ? upstream : Math.min(upstream, maxSize);
                lines.add(limit == 0 ? "SIZE" : "SIZE " + limit);
                sawSize = true;
            } else if (k.equals("AUTH") || k.startsWith("AUTH=")) {
                if (offerAuth) {
                    lines.add(l);
                }
            } else if (k.equals("REQUIRETLS")) {
                if (bothLegsTls) {
                    lines.add(l);
                }
            } else if (RELAYED.contains(k)) {
                lines.add(l);
            }
        }
        if (!sawSize && maxSize > 0) {
            lines.add("SIZE " + maxSize);
        }
        if (offerStartTls) {
            lines.add("STARTTLS");
        }
        return new SmtpReply(ehlo.code(), lines);
    }

    private static String keyword(String line) {
        String t = line.trim();
        int sp = t.indexOf(' ');
        return (sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT);
    }
}
