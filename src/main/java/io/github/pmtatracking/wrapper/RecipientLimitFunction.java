package io.github.pmtatracking.wrapper;

import io.github.pmtatracking.config.SettingFunction;
import io.github.pmtatracking.config.Settings;

/**
 * {@code {{recipientLimit:wrapper.multi_recipient}}} in the wrapper route: the proxy's
 * {@code maxRecipients} for a -multi_recipient mode. split is 1 (one recipient per message upstream,
 * so every link carries its recipient); tracked and untracked are 0, as many as the upstream takes.
 */
public final class RecipientLimitFunction extends SettingFunction {

    @Override
    public String getName() {
        return "recipientLimit";
    }

    @Override
    protected String apply(Settings settings, String key) {
        return EngagementTracking.MultiRecipient.of(settings.text(key)) == EngagementTracking.MultiRecipient.SPLIT ? "1" : "0";
    }
}
