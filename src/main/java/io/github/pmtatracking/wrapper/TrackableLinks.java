package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.link.ClickTarget;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingAction;
import io.github.pmtatracking.link.TrackingLink;
import java.util.Locale;

/**
 * Which link targets are wrapped, and the wrapped link: the same rules for HTML hrefs and for
 * URLs in plain text. A target is wrapped only when the tracker would redirect to it
 * ({@link ClickTarget#unsafe}: no mailto:, tel:, #anchors, relative or host-less links), it is no
 * template placeholder someone fills in later, it does not point at the tracker already, and its
 * link stays within the tracker's size bounds: a wrapped link never loses its click.
 */
final class TrackableLinks {

    /** What template languages mark a placeholder with: {{ }}, {% %}, %% %%, *| |*, [[ ]], ${ }. */
    private static final String[] PLACEHOLDERS = {"{{", "{%", "%%", "*|", "[[", "${"};

    private final LinkCodec codec;
    private final String trackingUrl;
    private final String ownLinkPrefix;

    TrackableLinks(LinkCodec codec, String trackingUrl) {
        this.codec = codec;
        this.trackingUrl = LinkCodec.normalizeTrackingUrl(trackingUrl);
        this.ownLinkPrefix = this.trackingUrl.toLowerCase(Locale.ROOT) + "/";
    }

    String trackingUrl() {
        return trackingUrl;
    }

    boolean trackable(String target) {
        if (ClickTarget.unsafe(target) != null) {
            return false;
        }
        return !hasPlaceholder(target) && !target.toLowerCase(Locale.ROOT).startsWith(ownLinkPrefix);
    }

    static boolean hasPlaceholder(CharSequence s) {
        String t = s.toString();
        for (String p : PLACEHOLDERS) {
            if (t.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** The tracking link for a click on target, or null when the tracker would refuse it. */
    String wrap(String target, String messageId, String rcpt, String name) {
        return codec.encodeWithinBounds(trackingUrl, new TrackingLink(TrackingAction.CLICK, target, messageId, rcpt, name));
    }
}
