package io.github.pmtatracking.engagement;

import io.github.pmtatracking.engagement.Engagement.Facts;
import io.github.pmtatracking.link.TrackingLink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The feeder route's classify step: whether each open and click is a person's, a person's through
 * a mailbox provider's proxy ({@code is_proxy}), or a machine's ({@code is_prefetched}), and the
 * rule that said so. The rules, first match wins:
 * <ol>
 *   <li>{@code head_request}: the tracker answered a HEAD (link scanners check a link so).</li>
 *   <li>the agent rules ({@code config/machine-agents.csv}): a user agent containing a text, such
 *       as Gmail's {@code GoogleImageProxy} (proxy) or a scanner's name (prefetch).</li>
 *   <li>{@code apple_mpp}: Apple Mail Privacy Protection, a user agent of exactly
 *       {@code Mozilla/5.0} from Apple's addresses: proxy and prefetch.</li>
 *   <li>{@code scanner_network}: an address in the scanner networks the operator listed.</li>
 *   <li>{@code bot_agent}: an agent the user-agent parser knows as a robot.</li>
 *   <li>clicks only: {@code click_after_delivery}, a click within seconds of the message's
 *       delivery ({@code timeLogged}); {@code link_burst}, clicks on several links of one message
 *       from one address within seconds; {@code trap_link}, a hit on the link no person sees
 *       (wrapper -track_trap_link), which marks that message's clicks from that address within
 *       the window too.</li>
 * </ol>
 * Flags only: no event is dropped or held back. The burst and trap rules look at the clicks of the
 * same claim and at those of recent claims (remembered for a bounded number of messages); a click
 * already classified keeps its verdict, as it may have been sent.
 *
 * <p>Single-threaded: called from the feeder route's timer only.
 */
public final class MachineEngagement {

    private static final String TRAP_LINK_NAME = TrackingLink.TRAP_LINK_NAME;

    /** A user agent containing {@code text} (compared in lower case) makes an event a proxy's or a machine's. */
    public record AgentRule(String text, boolean prefetch, String reason) {
    }

    /** The windows of the click rules, in seconds, and how many distinct links make a burst. */
    public record ClickWindows(long afterDeliverySeconds, long burstSeconds, int burstLinks, long trapSeconds) {
    }

    private static final int REMEMBERED_MESSAGES = 100_000;
    private static final int REMEMBERED_AGENTS = 10_000;
    private static final AgentRule NO_RULE = new AgentRule("", false, "");

    private final List<AgentRule> agentRules;
    private final Networks appleNetworks;
    private final Networks scannerNetworks;
    private final ClickWindows windows;
    private final EngagementCounts counts;
    /** Recent clicks per message and address, across claims: (timestamp, url) pairs and trap hits. */
    private final Map<Sender, Recent> recent = new Lru<>(REMEMBERED_MESSAGES);
    /** The first agent rule each recent user agent matches (NO_RULE: none). */
    private final Map<String, AgentRule> agentRuleOf = new Lru<>(REMEMBERED_AGENTS);

    /** One message's clicks from one address (a record: no key string built per click). */
    private record Sender(String messageId, String ip) {
    }

    private static final class Recent {
        final List<Long> clickTimes = new ArrayList<>(2);
        final List<String> clickUrls = new ArrayList<>(2);
        long lastTrap = Long.MIN_VALUE;
    }

    public MachineEngagement(List<AgentRule> agentRules, Networks appleNetworks, Networks scannerNetworks,
                             ClickWindows windows, EngagementCounts counts) {
        this.agentRules = List.copyOf(agentRules);
        this.appleNetworks = appleNetworks;
        this.scannerNetworks = scannerNetworks;
        this.windows = windows;
        this.counts = counts;
    }

    /** Classifies the events not classified yet; returns the same list. */
    public <T extends Engagement.Subject> List<T> classify(List<T> entries) {
        List<Engagement> fresh = new ArrayList<>();
        for (T t : entries) {
            Engagement e = t.engagement();
            if (e != null && !e.classified()) {
                fresh.add(e);
                classifyAlone(e);
            }
        }
        clickPatterns(fresh);
        for (Engagement e : fresh) {
            counts.classified(e);
        }
        return entries;
    }

    /**
     * The first agent rule the user agent matches, NO_RULE for none; remembered per agent, as the
     * user-agent step remembers its parse: the agent in lower case and the rules' texts searched in
     * it for every event were 30% of this step's samples (JFR, bench/feeder.sh, 1,000,000 events of a
     * thousand distinct agents).
     */
    private AgentRule agentRule(String userAgent) {
        AgentRule r = agentRuleOf.get(userAgent);
        if (r == null) {
            r = NO_RULE;
            String ua = userAgent.toLowerCase(Locale.ROOT);
            for (AgentRule rule : agentRules) {
                if (ua.contains(rule.text())) {
                    r = rule;
                    break;
                }
            }
            agentRuleOf.put(userAgent, r);
        }
        return r;
    }

    /** The rules that look at one event alone. */
    private void classifyAlone(Engagement e) {
        Facts f = e.facts();
        if (f.head()) {
            e.classify(false, true, "head_request");
            return;
        }
        AgentRule r = agentRule(f.userAgent());
        if (r != NO_RULE) {
            e.classify(!r.prefetch(), r.prefetch(), r.reason());
            return;
        }
        if (f.userAgent().equals("Mozilla/5.0") && appleNetworks.contains(f.ip())) {
            e.classify(true, true, "apple_mpp");
            return;
        }
        if (scannerNetworks.contains(f.ip())) {
            e.classify(false, true, "scanner_network");
            return;
        }
        if (e.agent() != null && e.agent().robot()) {
            e.classify(false, true, "bot_agent");
            return;
        }
        if (f.isClick() && f.deliveredAt() > 0 && f.timestamp() >= f.deliveredAt() - 1
                && f.timestamp() - f.deliveredAt() <= windows.afterDeliverySeconds()) {
            e.classify(false, true, "click_after_delivery");
            return;
        }
        e.classify(false, false, null);
    }

    /** Link bursts and trap-link hits, over this claim's clicks and those remembered. */
    private void clickPatterns(List<Engagement> fresh) {
        Map<Sender, List<Engagement>> byMessage = new HashMap<>();
        for (Engagement e : fresh) {
            Facts f = e.facts();
            if (f.isClick() && !f.messageId().isEmpty()) {
                byMessage.computeIfAbsent(new Sender(f.messageId(), f.ip()), k -> new ArrayList<>(2)).add(e);
            }
        }
        for (Map.Entry<Sender, List<Engagement>> m : byMessage.entrySet()) {
            Recent r = recent.computeIfAbsent(m.getKey(), k -> new Recent());
            List<Engagement> clicks = m.getValue();
            for (Engagement e : clicks) {
                if (e.facts().linkName().equals(TRAP_LINK_NAME)) {
                    r.lastTrap = Math.max(r.lastTrap, e.facts().timestamp());
                }
            }
            for (Engagement e : clicks) {
                long ts = e.facts().timestamp();
                if (e.facts().linkName().equals(TRAP_LINK_NAME)
                        || (r.lastTrap != Long.MIN_VALUE && Math.abs(ts - r.lastTrap) <= windows.trapSeconds())) {
                    e.markPrefetched("trap_link");
                }
            }
            for (Engagement e : clicks) {
                r.clickTimes.add(e.facts().timestamp());
                r.clickUrls.add(e.facts().targetUrl());
            }
            for (Engagement e : clicks) {
                if (!e.isPrefetched() && distinctLinksNear(r, e.facts().timestamp()) >= windows.burstLinks()) {
                    e.markPrefetched("link_burst");
                }
            }
            // only what a later claim may still need is kept
            long newest = Long.MIN_VALUE;
            for (long t : r.clickTimes) {
                newest = Math.max(newest, t);
            }
            long keepFrom = newest - Math.max(windows.burstSeconds(), windows.trapSeconds());
            for (int i = r.clickTimes.size() - 1; i >= 0; i--) {
                if (r.clickTimes.get(i) < keepFrom) {
                    r.clickTimes.remove(i);
                    r.clickUrls.remove(i);
                }
            }
        }
    }

    private int distinctLinksNear(Recent r, long ts) {
        if (r.clickTimes.size() < windows.burstLinks()) {
            return r.clickTimes.size(); // too few clicks for a burst: most messages, no set built
        }
        Set<String> links = new HashSet<>();
        for (int i = 0; i < r.clickTimes.size(); i++) {
            if (Math.abs(r.clickTimes.get(i) - ts) <= windows.burstSeconds()) {
                links.add(r.clickUrls.get(i));
            }
        }
        return links.size();
    }
}
