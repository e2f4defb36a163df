package io.github.pmtatracking.wrapper;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Upstream connections kept open between client sessions, as Postfix's SMTP client keeps its
 * sessions ({@code smtp_connection_cache_time_limit}, {@code smtp_connection_reuse_time_limit}).
 * A client session that ends between transactions, never having relayed AUTH, leaves its upstream
 * connection here instead of sending QUIT; the next client on the same I/O thread within
 * {@code idleMillis} takes it over, is greeted with that connection's greeting, and its EHLO goes
 * upstream as any EHLO does (RFC 5321 4.1.4: a new EHLO resets the session). Nothing is
 * acknowledged differently: MAIL, RCPT and the data are still the upstream's to accept.
 *
 * <p>Why: with one client connection per message (smtp-source without -d, a PowerMTA-style
 * injector that does not reuse), each message cost the proxy a second TCP connection, its
 * greeting and its QUIT, and the upstream a connection to accept and close.
 *
 * <p>Connections are kept per I/O thread, so a session and its upstream stay on one thread (no
 * hand-off per reply); each thread's list is locked only against {@link #closeAll}.
 */
final class UpstreamSessions {

    /** Idle connections kept per I/O thread: enough for the sessions one thread carries at a burst. */
    static final int MAX_IDLE_PER_THREAD = 64;
    /** As Postfix's smtp_connection_reuse_time_limit: a connection is not kept past this age. */
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(300);
    /**
     * Messages per connection, below the limits MTAs set on one connection (Exim's
     * smtp_accept_max_per_connection is 1000, answered 421 at the next MAIL); a new connection per
     * 100 messages is a hundredth of what one per message cost.
     */
    static final int MAX_MESSAGES = 100;
    /**
     * Commands other than MAIL and RCPT since a connection's last message: a session of NOOPs and
     * RSETs is not handed on, since MTAs count those per connection (Postfix's
     * smtpd_junk_command_limit, sendmail's MaxNOOPCommands) and slow or close the connection past
     * a limit; eight covers EHLO, STARTTLS, EHLO again and DATA for a session or two without a message.
     */
    static final int MAX_COMMANDS_WITHOUT_MESSAGE = 8;

    private final long idleMillis;
    private final WrapperStats stats;
    private final Map<EventLoop, ArrayDeque<Idle>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private static final class Idle {
        final UpstreamClient client;
        volatile ScheduledFuture<?> expiry;

        Idle(UpstreamClient client) {
            this.client = client;
        }

        void cancelExpiry() {
            ScheduledFuture<?> e = expiry;
            if (e != null) {
                e.cancel(false);
            }
        }
    }

    UpstreamSessions(long idleMillis, WrapperStats stats) {
        this.idleMillis = idleMillis;
        this.stats = stats;
    }

    /** Whether {@code c} may be handed to another session, by its state and the limits above. */
    static boolean fit(UpstreamClient c) {
        return c.reusable(MAX_AGE_NANOS, MAX_MESSAGES, MAX_COMMANDS_WITHOUT_MESSAGE);
    }

    boolean enabled() {
        return idleMillis > 0 && !closed;
    }

    /** An idle connection on {@code loop} still fit for use, or null; the caller owns it from here. */
    UpstreamClient take(EventLoop loop) {
        if (!enabled()) {
            return null;
        }
        ArrayDeque<Idle> list = idle.get(loop);
        if (list == null) {
            return null;
        }
        while (true) {
            Idle next;
            synchronized (list) {
                next = list.pollLast(); // the most recent: older ones reach their idle limit and close
            }
            if (next == null) {
                return null;
            }
            next.cancelExpiry();
            if (fit(next.client)) {
                stats.upstreamReused.increment();
                return next.client;
            }
            next.client.quit();
        }
    }

    /**
     * Keeps {@code client} for the next session on its I/O thread; false (the caller closes it) when
     * this thread's list is full or the listener stopped. The caller has judged the connection
     * ({@link ClientHandler#keepsUpstream}: {@link #enabled} and {@link #fit} among the rest).
     */
    boolean park(UpstreamClient client) {
        EventLoop loop = client.eventLoop();
        ArrayDeque<Idle> list = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
        Idle kept = new Idle(client);
        synchronized (list) {
            if (list.size() >= MAX_IDLE_PER_THREAD || closed) {
                return false;
            }
            list.add(kept);
        }
        try {
            kept.expiry = loop.schedule(() -> {
                boolean mine;
                synchronized (list) {
                    mine = list.remove(kept);
                }
                if (mine) {
                    client.quit();
                }
            }, idleMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the I/O threads are shutting down
            synchronized (list) {
                return !list.remove(kept);
            }
        }
        return true;
    }

    /** The listener stops: every idle connection says QUIT, and none is kept from now on. */
    void closeAll() {
        closed = true;
        List<Idle> all = new ArrayList<>();
        for (ArrayDeque<Idle> list : idle.values()) {
            synchronized (list) {
                all.addAll(list);
                list.clear();
            }
        }
        for (Idle i : all) {
            i.cancelExpiry();
            i.client.quit();
        }
    }
}
