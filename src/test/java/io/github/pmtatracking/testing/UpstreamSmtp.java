package io.github.pmtatracking.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server upstream of the proxy (SubEthaSMTP), on a free loopback port: STARTTLS with
 * the test certificate, AUTH PLAIN and LOGIN for user/secret, recipients starting with "nobody"
 * refused. It keeps every message it accepted.
 */
public final class UpstreamSmtp implements AutoCloseable {

    /** A message as the upstream received it. */
    public record Received(String from, List<String> recipients, byte[] data, boolean authenticated) {
        public String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final SMTPServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    private UpstreamSmtp(TestTls tls, boolean requireTls) throws Exception {
        SMTPServer.Builder b = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("upstream.test")
                .insertReceivedHeaders(false)
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
                    if (!"user".equals(user) || !"secret".equals(password)) {
                        throw new LoginFailedException("bad credentials");
                    }
                }))
                .messageHandlerFactory(this::handler);
        if (tls != null) {
            b.enableTLS().startTlsSocketFactory(tls.serverContext());
            if (requireTls) {
                b.requireTLS();
            }
        }
        server = b.build();
        server.start();
    }

    /** Plain only: no STARTTLS offered. */
    public static UpstreamSmtp plain() throws Exception {
        return new UpstreamSmtp(null, false);
    }

    /** STARTTLS offered (and required for mail when requireTls). */
    public static UpstreamSmtp withTls(TestTls tls, boolean requireTls) throws Exception {
        return new UpstreamSmtp(tls, requireTls);
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
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
            public String data(InputStream data) throws IOException {
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
}
