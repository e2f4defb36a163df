package io.github.pmtatracking.engagement;

/**
 * One open or click as the feeder's classification steps see it: the facts they work from (made by
 * the enrich step from the queue entry and its accounting record) and what each step found. Each
 * step fills its part once: a batch sent again carries what it was first classified as.
 */
public final class Engagement {

    /** An open, initial_open or click with what is known of it. Strings absent are empty. */
    public record Facts(String type, String userAgent, String ip, long timestamp, String messageId, String rcpt,
                        String targetUrl, String linkName, boolean head, long deliveredAt) {

        public boolean isClick() {
            return isClick(type);
        }

        /** Whether an event of this type is a click: the only kind whose rules use deliveredAt. */
        public static boolean isClick(String type) {
            return "click".equals(type);
        }
    }

    /**
     * SparkPost's {@code user_agent_parsed}, but for its two flags (which {@link MachineEngagement}
     * sets); {@code robot}: the parser knows the agent as a robot's. Unknown parts null.
     */
    public record Agent(String agentFamily, String deviceBrand, String deviceFamily, String osFamily, String osVersion,
                        boolean mobile, boolean robot) {
    }

    /** SparkPost's {@code geo_ip}. Absent fields null. */
    public record Place(String country, String region, String city, Double latitude, Double longitude, String postalCode) {
    }

    private final Facts facts;
    private Agent agent;
    private boolean classified;
    private boolean proxy;
    private boolean prefetched;
    private String reason;
    private boolean located;
    private Place place;
    private boolean providerNamed;
    private String mailboxProvider;

    public Engagement(Facts facts) {
        this.facts = facts;
    }

    public Facts facts() {
        return facts;
    }

    /** The parsed user agent; null until parsed. */
    public Agent agent() {
        return agent;
    }

    void agent(Agent agent) {
        this.agent = agent;
    }

    boolean classified() {
        return classified;
    }

    /** A machine's event (is_prefetched), a mailbox provider's proxy (is_proxy), or a person's: and why. */
    void classify(boolean proxy, boolean prefetched, String reason) {
        this.classified = true;
        this.proxy = proxy;
        this.prefetched = prefetched;
        this.reason = reason;
    }

    /** Marks a click already classified as a machine's (a later hit on the trap link, in the same claim). */
    void markPrefetched(String reason) {
        this.classified = true;
        this.prefetched = true;
        this.reason = reason;
    }

    public boolean isProxy() {
        return proxy;
    }

    public boolean isPrefetched() {
        return prefetched;
    }

    /** The rule that matched (apple_mpp, gmail_image_proxy, click_after_delivery...); null for a person's event. */
    public String reason() {
        return reason;
    }

    boolean located() {
        return located;
    }

    void place(Place place) {
        this.located = true;
        this.place = place;
    }

    /** SparkPost's geo_ip; null when unknown. */
    public Place place() {
        return place;
    }

    boolean providerNamed() {
        return providerNamed;
    }

    void mailboxProvider(String provider) {
        this.providerNamed = true;
        this.mailboxProvider = provider;
    }

    /** SparkPost's mailbox_provider; null when unknown. */
    public String mailboxProvider() {
        return mailboxProvider;
    }

    /** Something a feeder route step works on: its engagement, null when it is not an event. */
    public interface Subject {
        Engagement engagement();
    }
}
