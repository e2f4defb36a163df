package io.github.pmtatracking.tracker;

import io.github.pmtatracking.config.SettingFunction;
import io.github.pmtatracking.config.Settings;
import io.netty.channel.epoll.Epoll;
import java.util.Locale;

/**
 * {@code {{nativeTransport:tracker.io_transport}}} in the tracker route: netty-http's
 * {@code nativeTransport}, true when the listener runs on Linux's epoll. {@code auto} takes epoll
 * where its native library loads (it ships in the jar for Linux x86_64 and aarch64), {@code epoll}
 * insists on it, {@code nio} keeps Java's NIO. The I/O thread group ({@link TrackerConfiguration})
 * follows the same answer, as netty requires.
 */
public final class NativeTransportFunction extends SettingFunction {

    @Override
    public String getName() {
        return "nativeTransport";
    }

    @Override
    protected String apply(Settings settings, String key) {
        return String.valueOf(epoll(settings.text(key)));
    }

    /** Whether the listener uses epoll for this setting value. */
    static boolean epoll(String transport) {
        return switch (transport.strip().toLowerCase(Locale.ROOT)) {
            case "auto", "" -> Epoll.isAvailable();
            case "epoll" -> {
                Epoll.ensureAvailability(); // says why not, at start, rather than falling back unseen
                yield true;
            }
            case "nio" -> false;
            default -> throw new IllegalArgumentException("tracker.io_transport is auto, epoll or nio, not " + transport);
        };
    }
}
