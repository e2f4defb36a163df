package io.github.pmtatracking.wrapper;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The extensions the client was shown in its last EHLO reply (after {@link Capabilities#filter}):
 * the only ones whose commands and MAIL/RCPT parameters the proxy lets through: an extension the
 * EHLO reply did not list is not in effect for the session (RFC 5321 2.2, 4.1.1.11). HELO offers
 * none (RFC 5321 3.2).
 *
 * @param keywords the EHLO keywords, upper case ("AUTH" for either AUTH line form)
 * @param authMechanisms the SASL mechanisms offered, upper case
 * @param sizeLimit the SIZE shown, 0 when SIZE states no number or is not offered
 */
record EsmtpOffer(Set<String> keywords, Set<String> authMechanisms, long sizeLimit) {

    static final EsmtpOffer NONE = new EsmtpOffer(Set.of(), Set.of(), 0);

    static EsmtpOffer of(SmtpReply shown) {
        Set<String> keywords = new HashSet<>();
        Set<String> mechanisms = new HashSet<>();
        long size = 0;
        List<String> lines = shown.lines();
        for (int i = 1; i < lines.size(); i++) {
            String[] words = lines.get(i).trim().toUpperCase(Locale.ROOT).split(" +");
            String keyword = words[0];
            if (keyword.equals("AUTH") || keyword.startsWith("AUTH=")) { // AUTH=LOGIN: the old form some clients want
                keyword = "AUTH";
                if (words[0].length() > 5) {
                    mechanisms.add(words[0].substring(5));
                }
                mechanisms.addAll(List.of(words).subList(1, words.length));
            } else if (keyword.equals("SIZE") && words.length > 1) {
                size = Capabilities.size(new SmtpReply(250, List.of("", lines.get(i))));
            }
            keywords.add(keyword);
        }
        return new EsmtpOffer(Set.copyOf(keywords), Set.copyOf(mechanisms), size);
    }

    boolean offers(String keyword) {
        return keywords.contains(keyword);
    }
}
