package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start's whole loop, with the shipped settings: all services in one process, a message
 * in through the wrapper, out in the outbox with tracked links, a click on one, and the click in
 * the feeder's ingest file.
 */
class QuickStartLoopTest {

    @TempDir
    Path data;

    @Test
    void aMessageSentThroughTheQuickStartComesOutTrackedAndItsClickReachesTheIngestFile() throws Exception {
        int httpPort = TestRedis.freePort();
        int smtpPort = TestRedis.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", "redis://127.0.0.1:" + TestRedis.freePort());
        env.put("REDIS_EMBEDDED_DIR", data.resolve("redis").toString());
        env.put("TRACKER_IN_HOSTPORT", ":" + httpPort);
        env.put("WRAPPER_IN_HOSTPORT", "localhost:" + smtpPort);
        env.put("WRAPPER_OUTBOX_DIR", data.resolve("outbox").toString());
        env.put("FEEDER_OUTBOX_DIR", data.resolve("ingest").toString());
        env.put("FEEDER_BATCH_MAX_AGE", "2"); // the shipped 30 s, shortened for the test
        try (AppProcess app = AppProcess.start(env)) {
            app.awaitOutput("Started wrapper", 90);
            assertTrue(app.output().contains("links and pixels point at this process's own tracker, http://localhost:" + httpPort),
                    app.output());

            String message = new String(QuickStartLoopTest.class.getResourceAsStream("/example.eml").readAllBytes(),
                    StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
            try (SmtpScript smtp = new SmtpScript(smtpPort)) {
                assertTrue(smtp.reply().startsWith("220"));
                assertTrue(smtp.command("EHLO client.example").startsWith("250"));
                assertTrue(smtp.command("MAIL FROM:<sender@example.com>").startsWith("250"));
                assertTrue(smtp.command("RCPT TO:<bob@example.com>").startsWith("250"));
                assertTrue(smtp.command("DATA").startsWith("354"));
                String reply = smtp.send(message + (message.endsWith("\r\n") ? "" : "\r\n") + ".\r\n").reply();
                assertTrue(reply.startsWith("250"), reply);
                smtp.command("QUIT");
            }

            Path eml;
            try (Stream<Path> files = Files.list(data.resolve("outbox"))) {
                List<Path> all = files.filter(p -> p.toString().endsWith(".eml")).toList();
                assertEquals(1, all.size(), all.toString());
                eml = all.get(0);
            }
            String out = Files.readString(eml, StandardCharsets.ISO_8859_1);
            // the first wrapped link (quoted-printable may split it: undo soft breaks first)
            String unfolded = out.replace("=\r\n", "").replace("=3D", "=");
            Matcher link = Pattern.compile("href=\"(http://localhost:" + httpPort + "/[A-Za-z0-9_=-]+)\"").matcher(unfolded);
            assertTrue(link.find(), "a tracked link in " + eml);
            assertTrue(unfolded.contains("<img src=\"http://localhost:" + httpPort + "/") || unfolded.contains("src=\"http://localhost:" + httpPort + "/"),
                    "an open pixel");

            HttpResponse<byte[]> click = Http.getFirst(httpPort, link.group(1).substring(("http://localhost:" + httpPort).length()));
            assertEquals(302, click.statusCode());
            String target = click.headers().firstValue("Location").orElse("");

            String ingested = "";
            for (int i = 0; i < 150 && !ingested.contains("\"type\":\"click\""); i++) {
                Thread.sleep(100);
                ingested = ingestFiles(data.resolve("ingest"));
            }
            assertTrue(ingested.contains("\"type\":\"click\""), "a click in the ingest files: " + ingested + "\n" + app.output());
            assertTrue(ingested.contains(target.replace("/", "\\/")) || ingested.contains(target), target + " in " + ingested);
            assertTrue(ingested.contains("bob@example.com"), ingested);
        }
    }

    private static String ingestFiles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".gz")).toList()) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(f)))) {
                    all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (java.io.EOFException e) {
                    // still being written
                }
            }
        }
        return all.toString();
    }
}
