package io.github.pmtatracking.wrapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The quick start's upstream when none is configured: a real SMTP server (SubEthaSMTP) on
 * loopback that stores each message it receives as an {@code .eml} file, with the envelope in
 * {@code X-Outbox-*} lines first, so a newcomer can see what would have gone out.
 */
public final class OutboxServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxServer.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final SMTPServer server;
    private final Path dir;
    private final AtomicLong count = new AtomicLong();

    public OutboxServer(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("outbox.localhost")
                .softwareName("pmta-tracking outbox")
                .insertReceivedHeaders(false) // the .eml shows exactly what the proxy sent
                // SubEthaSMTP's "no limit" (0) refuses every declared SIZE=n at MAIL; the proxy enforces its own limit
                .maxMessageSize(Integer.MAX_VALUE)
                .messageHandlerFactory(this::handler)
                .build();
        server.start();
        LOG.info("No upstream configured (-out_hostport): messages go to an outbox server on 127.0.0.1:{}, saved as .eml files in {}",
                port(), dir.toAbsolutePath());
    }

    public int port() {
        return server.getPortAllocated();
    }

    private MessageHandler handler(MessageContext context) {
        return new MessageHandler() {
            private String from = "";
            private final List<String> rcpts = new ArrayList<>();

            @Override
            public void from(String f) {
                from = f;
            }

            @Override
            public void recipient(String r) {
                rcpts.add(r);
            }

            @Override
            public String data(InputStream data) throws IOException {
                String name = LocalDateTime.now().format(NAME) + "-" + count.incrementAndGet() + ".eml";
                Path tmp = dir.resolve("." + name + ".tmp");
                try (var out = Files.newOutputStream(tmp)) {
                    out.write(("X-Outbox-Mail-From: <" + from + ">\r\n").getBytes());
                    for (String r : rcpts) {
                        out.write(("X-Outbox-Rcpt-To: <" + r + ">\r\n").getBytes());
                    }
                    data.transferTo(out);
                }
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Outbox: saved {} ({} recipients)", name, rcpts.size());
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
