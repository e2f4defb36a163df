package io.github.pmtatracking.wrapper;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wrapper route's rewrite step: adds an X-Sp-Message-Id (keeping one that is there) and, with
 * a tracking URL, wraps links and adds open pixels in every HTML part (and with -track_text_links
 * wraps the URLs of the text/plain parts), for the recipient of the
 * SMTP envelope. A message with several recipients is tracked at message level (links carry no
 * recipient) or, with {@code -multi_recipient untracked}, passed on unchanged. A part the rewrite
 * cannot take as declared goes on as received, counted by {@link MimeFault} and logged once per
 * message, and the message keeps its id; a message with no header block goes on unchanged,
 * logged and counted: never a broken message.
 */
public final class EngagementTracking {

    /**
     * What to do with a message addressed to several recipients. SPLIT: the proxy takes one
     * recipient per transaction (452 4.5.3 to the others, which the client sends again), so every
     * message has one and is tracked for it; TRACKED: tracked at message level; UNTRACKED: passed on.
     */
    public enum MultiRecipient {
        SPLIT, TRACKED, UNTRACKED;

        /** The -multi_recipient value, any case. */
        public static MultiRecipient of(String mode) {
            for (MultiRecipient m : values()) {
                if (m.name().equalsIgnoreCase(mode.strip())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("wrapper: -multi_recipient is split, tracked or untracked, not " + mode);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(EngagementTracking.class);
    private static final int MAX_LOGGED = 5;

    private final HtmlTracker tracker;
    private final TextLinkTracker textLinks;
    private final MultiRecipient multiRecipient;
    private final MimeRewriter mime;
    private final LongAdder rewritten = new LongAdder();
    private final LongAdder unchanged = new LongAdder();
    private final LongAdder unparseable = new LongAdder();
    private final Map<MimeFault, LongAdder> faults; // every key present from the start: read without locks

    /** @param tracker null when no tracking URL is set: only the message id is added */
    public EngagementTracking(HtmlTracker tracker, MultiRecipient multiRecipient) {
        this(tracker, null, multiRecipient);
    }

    /** @param textLinks null unless -track_text_links: text/plain parts stay as they are */
    public EngagementTracking(HtmlTracker tracker, TextLinkTracker textLinks, MultiRecipient multiRecipient) {
        this(tracker, textLinks, multiRecipient, MimeRewriter.DEFAULT_MAX_PART_SIZE);
    }

    /** @param maxPartSize a larger HTML or text part goes on untracked ({@link MimeFault#TOO_LARGE}); 0: no limit */
    public EngagementTracking(HtmlTracker tracker, TextLinkTracker textLinks, MultiRecipient multiRecipient, long maxPartSize) {
        this.mime = new MimeRewriter(maxPartSize);
        this.tracker = tracker;
        this.textLinks = textLinks;
        this.multiRecipient = multiRecipient;
        Map<MimeFault, LongAdder> m = new EnumMap<>(MimeFault.class);
        for (MimeFault f : MimeFault.values()) {
            m.put(f, new LongAdder());
        }
        this.faults = Collections.unmodifiableMap(m);
    }

    /** For tests: the proxy's message name is "-". Not public, so the route's bean step has one rewrite to bind. */
    byte[] rewrite(byte[] message, List<String> recipients) {
        return rewrite(message, recipients, "-");
    }

    /**
     * The route's step ({@code bean: {ref: engagementTracking, method: rewrite}}): the message in the
     * body, the envelope's recipients and the proxy's name for the message from the smtp-proxy headers.
     * Bound by Camel's parameter annotations: resolved once per method, not parsed per message as a
     * method-call expression with {@code ${...}} arguments was (11% of the proxy's event-loop CPU
     * under smtp-source load, perf, 2026-12-06).
     *
     * @param proxyMessageId the proxy's name for the message (session and number), for the log
     */
    public byte[] rewrite(@Body byte[] message, @Header(SmtpProxyConstants.RECIPIENTS) List<String> recipients,
                          @Header(SmtpProxyConstants.MESSAGE_ID) String proxyMessageId) {
        if (recipients != null && recipients.size() > 1 && multiRecipient == MultiRecipient.UNTRACKED) {
            unchanged.increment();
            return message;
        }
        String rcpt = recipients != null && recipients.size() == 1 ? recipients.get(0) : "";
        try {
            MimeRewriter.Result r = mime.rewrite(message, MessageIds::next,
                    id -> tracker == null ? null : (html, latin1) -> tracker.track(html, id, rcpt, latin1),
                    id -> textLinks == null ? null : (text, latin1) -> textLinks.track(text, id, rcpt, latin1));
            rewritten.increment();
            if (!r.faults().isEmpty()) {
                r.faults().forEach(f -> faults.get(f.fault()).increment());
                LOG.info("Message {} X-Sp-Message-Id {}: parts not rewritten as declared: {}", proxyMessageId, r.messageId(),
                        describe(r.faults()));
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("X-Sp-Message-Id {}: {} parts tracked for {}", r.messageId(), r.trackedParts(),
                        rcpt.isEmpty() ? "the whole message" : rcpt);
            }
            return r.message();
        } catch (MimeRewriter.MimeProblem | RuntimeException e) {
            unparseable.increment();
            LOG.warn("Message {} passed on unchanged: {}", proxyMessageId, e.getMessage());
            return message;
        }
    }

    /** The first few faults: a hostile message may hold thousands, the log line stays one line. */
    private static String describe(List<MimeRewriter.Fault> faults) {
        String first = faults.stream().limit(MAX_LOGGED).map(MimeRewriter.Fault::toString).collect(Collectors.joining("; "));
        return faults.size() <= MAX_LOGGED ? first : first + "; and " + (faults.size() - MAX_LOGGED) + " more";
    }

    public long rewritten() {
        return rewritten.sum();
    }

    public long unchanged() {
        return unchanged.sum();
    }

    public long unparseable() {
        return unparseable.sum();
    }

    /** HTML parts the marked parse could not place alone, parsed again with jsoup's positions (same result, slower). */
    public long htmlParsedWithPositions() {
        return tracker == null ? 0 : tracker.positionedParses();
    }

    /** Parts (or branches) not rewritten as declared, for this reason. */
    public long faults(MimeFault fault) {
        return faults.get(fault).sum();
    }
}
