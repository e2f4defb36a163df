package io.github.pmtatracking.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * A real SMTP server upstream of the proxy (SubEthaSMTP), on a free loopback port: STARTTLS with
 * the test certificate, AUTH PLAIN and LOGIN for user/secret, recipients starting with "nobody"
 * refused (550 at RCPT), and a message for one starting with "refused-at-data" refused after its
 * data (554). It keeps every message it accepted and every command line it was given.
 *
 * <p>Like a Postfix that trusts the proxy's address ({@code smtpd_authorized_xclient_hosts}), it
 * also offers and accepts XCLIENT and XFORWARD, so a test can show that the client's spoofing
 * attempts never get this far. SubEthaSMTP answers a verb it has no command for by itself, before
 * any hook; so besides every command it implements, the verbs named in {@link #EXTRA_VERBS} are
 * accepted (250) and recorded, to catch them should the proxy ever relay one.
 */
public final class UpstreamSmtp implements AutoCloseable {

    /** Verbs this upstream accepts beyond SubEthaSMTP's own, as a permissive MTA might. */
    public static final List<String> EXTRA_VERBS = List.of("ETRN", "TURN", "ATRN", "XEXCH50", "XSPOOF");

    /** A message as the upstream received it. */
    public record Received(String from, List<String> recipients, byte[] data, boolean authenticated) {
        public String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final SMTPServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    private final java.util.Set<String> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean dropRepeatedEhlo;
    private volatile String dropReply;

    private UpstreamSmtp(TestTls tls, boolean requireTls, int idleTimeoutMillis) throws Exception {
        SMTPServer.Builder b = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("upstream.test")
                .insertReceivedHeaders(false)
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
                    if (!"user".equals(user) || !"secret".equals(password)) {
                        throw new LoginFailedException("bad credentials");
                    }
                }))
                .maxMessageSize(10 * 1024 * 1024) // SubEthaSMTP refuses every MAIL ... SIZE=n when it has no limit
                .messageHandlerFactory(this::handler);
        if (idleTimeoutMillis > 0) {
            b.connectionTimeoutMs(idleTimeoutMillis); // past it: 421 and the connection closes
        }
        if (tls != null) {
            b.enableTLS().startTlsSocketFactory(tls.serverContext());
            if (requireTls) {
                b.requireTLS();
            }
        }
        server = b.build();
        CommandHandler handler = server.getCommandHandler();
        handler.addCommand(new Ehlo());
        handler.addCommand(new Accept("XCLIENT", "220 upstream.test ESMTP")); // Postfix answers XCLIENT with a new greeting
        handler.addCommand(new Accept("XFORWARD", "250 Ok"));
        EXTRA_VERBS.forEach(v -> handler.addCommand(new Accept(v, "250 Ok")));
        for (String verb : List.copyOf(handler.getVerbs())) {
            handler.addCommand(new Recorded(handler.getCommand(verb)));
        }
        server.start();
    }

    /** Plain only: no STARTTLS offered. */
    public static UpstreamSmtp plain() throws Exception {
        return new UpstreamSmtp(null, false, 0);
    }

    /** Plain, and a connection silent for {@code millis} gets 421 and is closed, as an MTA's idle limit. */
    public static UpstreamSmtp plainClosingIdleAfter(int millis) throws Exception {
        return new UpstreamSmtp(null, false, millis);
    }

    /** STARTTLS offered (and required for mail when requireTls). */
    public static UpstreamSmtp withTls(TestTls tls, boolean requireTls) throws Exception {
        return new UpstreamSmtp(tls, requireTls, 0);
    }

    /** Connections that sent this upstream at least one command. */
    public int connections() {
        return sessions.size();
    }

    /**
     * The next EHLO on a connection that already had one closes that connection without a reply, as
     * an upstream whose idle limit strikes just as a kept connection is used again.
     */
    public UpstreamSmtp dropNextRepeatedEhlo() {
        return dropNextRepeatedEhlo(null);
    }

    /** As {@link #dropNextRepeatedEhlo()}, with {@code reply} (a 421) sent before the close. */
    public UpstreamSmtp dropNextRepeatedEhlo(String reply) {
        dropReply = reply;
        dropRepeatedEhlo = true;
        return this;
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    /** Every command line this upstream was given, in order, as it arrived (AUTH's SASL lines and the data excepted). */
    public List<String> commands() {
        synchronized (commands) {
            return new ArrayList<>(commands);
        }
    }

    /** Whether any command line received starts with this verb (case-insensitive). */
    public boolean received(String verb) {
        String v = verb.toUpperCase(Locale.ROOT);
        return commands().stream().anyMatch(c -> c.toUpperCase(Locale.ROOT).startsWith(v));
    }

    /** Makes this upstream take its time before answering a verb (to widen a race in a test). */
    public UpstreamSmtp delay(String verb, long millis) {
        delays.put(verb.toUpperCase(Locale.ROOT), millis);
        return this;
    }

    private MessageHandler handler(MessageContext ctx) {
        return new MessageHandler() {
            private String from;
            private final List<String> rcpts = new ArrayList<>();

            @Override
            public void from(String f) {
                from = f;
            }

            @Override
            public void recipient(String r) throws RejectException {
                if (r.startsWith("nobody")) {
                    throw new RejectException(550, "5.1.1 <" + r + ">: Recipient address rejected: User unknown");
                }
                rcpts.add(r);
            }

            @Override
            public String data(InputStream data) throws IOException, RejectException {
                if (rcpts.stream().anyMatch(r -> r.startsWith("refused-at-data"))) {
                    data.readAllBytes();
                    throw new RejectException(554, "5.7.1 Message refused by the upstream");
                }
                received.add(new Received(from, List.copyOf(rcpts), data.readAllBytes(), ctx.getAuthenticationHandler().isPresent()));
                return null;
            }

            @Override
            public void done() {
            }
        };
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Records the line, then lets SubEthaSMTP's own command run. */
    private final class Recorded implements Command {
        private final Command inner;

        Recorded(Command inner) {
            this.inner = inner;
        }

        @Override
        public void execute(String line, Session session) throws IOException, DropConnectionException {
            commands.add(line);
            sessions.add(session.getSessionId());
            if (dropRepeatedEhlo && inner.getName().equals("EHLO") && session.getHelo().isPresent()) {
                dropRepeatedEhlo = false;
                if (dropReply != null) {
                    throw new DropConnectionException(Integer.parseInt(dropReply.substring(0, 3)), dropReply.substring(4));
                }
                session.closeSocket();
                return;
            }
            Long delay = delays.get(inner.getName());
            if (delay != null) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            inner.execute(line, session);
        }

        @Override
        public HelpMessage getHelp() throws CommandException {
            return inner.getHelp();
        }

        @Override
        public String getName() {
            return inner.getName();
        }
    }

    /** A verb answered with a fixed positive reply. */
    private static final class Accept extends BaseCommand {
        private final String reply;

        Accept(String verb, String reply) {
            super(verb, "accepted by the test upstream");
            this.reply = reply;
        }

        @Override
        public void execute(String line, Session session) throws IOException {
            session.sendResponse(reply);
        }
    }

    /** SubEthaSMTP's EHLO, plus XCLIENT and XFORWARD as Postfix offers them to hosts it trusts. */
    private final class Ehlo extends BaseCommand {
        Ehlo() {
            super("EHLO", "Introduce yourself.", "<hostname>");
        }

        @Override
        public void execute(String line, Session session) throws IOException {
            String[] args = getArgs(line);
            if (args.length < 2) {
                session.sendResponse("501 Syntax: EHLO hostname");
                return;
            }
            session.resetMailTransaction();
            session.setHelo(args[1]);
            StringBuilder r = new StringBuilder("250-").append(server.getHostName()).append("\r\n250-8BITMIME");
            if (server.getMaxMessageSize() > 0) {
                r.append("\r\n250-SIZE ").append(server.getMaxMessageSize());
            }
            if (server.getEnableTLS() && !server.getHideTLS()) {
                r.append("\r\n250-STARTTLS");
            }
            r.append("\r\n250-CHUNKING\r\n250-SMTPUTF8");
            boolean showAuth = session.isTLSStarted() || !server.getRequireTLS() || server.getShowAuthCapabilitiesBeforeSTARTTLS();
            server.getAuthenticationHandlerFactory().filter(f -> showAuth && !f.getAuthenticationMechanisms().isEmpty())
                    .ifPresent(f -> r.append("\r\n250-AUTH ").append(String.join(" ", f.getAuthenticationMechanisms())));
            r.append("\r\n250-XCLIENT NAME ADDR PROTO HELO LOGIN\r\n250-XFORWARD NAME ADDR PROTO HELO SOURCE\r\n250 Ok");
            session.sendResponse(r.toString());
        }
    }
}
