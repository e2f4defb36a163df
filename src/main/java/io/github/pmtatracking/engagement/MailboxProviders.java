package io.github.pmtatracking.engagement;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The feeder route's mailbox-provider step: SparkPost's {@code mailbox_provider} of a recipient, from the domain of the address: the shipped, editable
 * {@code config/mailbox-providers.properties} ({@code domain=Provider}), looked up from the full
 * domain towards its parents, so {@code mail.example.co.uk} finds an entry for {@code example.co.uk}.
 */
public final class MailboxProviders {

    private final Map<String, String> byDomain;

    public MailboxProviders(Map<String, String> byDomain) {
        this.byDomain = new HashMap<>();
        byDomain.forEach((d, p) -> this.byDomain.put(d.trim().toLowerCase(Locale.ROOT), p.trim()));
    }

    /** The map of a properties file ({@code domain=Provider}). */
    public static MailboxProviders load(Reader reader, String file) {
        Properties p = new Properties();
        try (Reader r = reader) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mailbox providers " + file, e);
        }
        Map<String, String> m = new HashMap<>();
        p.forEach((k, v) -> m.put(k.toString(), v.toString()));
        return new MailboxProviders(m);
    }

    /** The feeder route's step: names the provider of each event's recipient not named yet; returns the same list. */
    public <T extends Engagement.Subject> List<T> name(List<T> entries) {
        for (T t : entries) {
            Engagement e = t.engagement();
            if (e != null && !e.providerNamed()) {
                e.mailboxProvider(of(e.facts().rcpt()));
            }
        }
        return entries;
    }

    /** The provider of the address's domain; null when none is known. */
    public String of(String address) {
        if (address == null) {
            return null;
        }
        int at = address.lastIndexOf('@');
        String domain = (at < 0 ? address : address.substring(at + 1)).trim().toLowerCase(Locale.ROOT);
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        while (!domain.isEmpty()) {
            String p = byDomain.get(domain);
            if (p != null) {
                return p;
            }
            int dot = domain.indexOf('.');
            if (dot < 0) {
                return null;
            }
            domain = domain.substring(dot + 1);
        }
        return null;
    }

    public int size() {
        return byDomain.size();
    }
}
