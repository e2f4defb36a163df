package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.github.pmtatracking.feeder.SparkPostEvents.Accounting;
import io.github.pmtatracking.feeder.SparkPostEvents.QueuedEvent;

/**
 * One SparkPost Ingest event, as its NDJSON line reads ({@code {"msys":{"track_event":{...}}}}):
 * the tracker's event enriched with its message's accounting record. Empty fields are left out;
 * {@code subaccount_id} is a number. What the feeder's classification steps add
 * ({@code user_agent_parsed}, {@code geo_ip}, {@code mailbox_provider}, our own
 * {@code machine_reason}) is written from the entry's {@link io.github.pmtatracking.engagement.Engagement};
 * the fields here read it back.
 */
public record IngestEvent(Msys msys) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Msys(TrackEvent trackEvent) {
    }

    /** In the order the original wrote the fields. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record TrackEvent(String type, String delvMethod, String eventId, String ipAddress, String messageId,
                             String rcptTo, String timestamp, String targetLinkUrl, String targetLinkName, String userAgent,
                             Integer subaccountId, String campaignId, String msgFrom, String friendlyFrom, String sendingIp,
                             String ipPool, UserAgentParsed userAgentParsed, GeoIp geoIp, String mailboxProvider,
                             String machineReason) {
    }

    /** SparkPost's user_agent_parsed, with its machine flags (is_proxy, is_prefetched). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record UserAgentParsed(String agentFamily, String deviceBrand, String deviceFamily, String osFamily, String osVersion,
                                  Boolean isMobile, Boolean isProxy, Boolean isPrefetched) {
    }

    /** SparkPost's geo_ip: zip is the postal code as a number where it is one. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record GeoIp(String country, String region, String city, Double latitude, Double longitude, Long zip,
                        String postalCode) {
    }

    /** The event with its accounting record (null when acct_etl stored none): the recipient is the record's, else the link's. */
    static IngestEvent of(QueuedEvent e, Accounting acct) {
        boolean has = acct != null;
        return new IngestEvent(new Msys(new TrackEvent(e.action().eventType(), "esmtp", SparkPostEvents.eventId(e), e.ip(),
                e.messageId(), has && !acct.rcpt().isEmpty() ? acct.rcpt() : e.rcpt(), Long.toString(e.timestamp()),
                e.targetUrl(), e.linkName(), e.userAgent(),
                has ? subaccount(acct.subaccountId()) : null,
                has ? acct.jobId() : null, has ? acct.orig() : null, has ? acct.orig() : null, has ? acct.sendingIp() : null,
                has ? acct.ipPool() : null, null, null, null, null)));
    }

    /** One to nine ASCII digits as a number (the original's test), else none. */
    private static Integer subaccount(String s) {
        int n = s.length();
        if (n == 0 || n > 9) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return Integer.valueOf(s);
    }
}
