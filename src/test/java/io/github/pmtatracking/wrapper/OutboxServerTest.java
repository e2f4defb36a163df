package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.SmtpScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start's upstream. */
class OutboxServerTest {

    @Test
    void aDeclaredSizeIsAcceptedAndTheMessageSaved(@TempDir Path dir) throws Exception {
        try (OutboxServer outbox = new OutboxServer(dir); SmtpScript c = new SmtpScript(outbox.port())) {
            c.reply();
            c.command("EHLO c");
            // SubEthaSMTP without a limit refuses every SIZE=n as too big: mail clients that declare it got 552
            assertTrue(c.command("MAIL FROM:<me@example.com> SIZE=1000").startsWith("250"));
            assertTrue(c.command("RCPT TO:<bob@example.com>").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            assertTrue(c.command("Subject: sized\r\n\r\nhi\r\n.").startsWith("250"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".eml")).count());
        }
    }
}
