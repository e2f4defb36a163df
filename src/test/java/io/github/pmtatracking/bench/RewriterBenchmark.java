package io.github.pmtatracking.bench;

import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.wrapper.EngagementTracking;
import io.github.pmtatracking.wrapper.HtmlTracker;
import io.github.pmtatracking.wrapper.TextLinkTracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The engagement-tracking rewrite alone (bench/rewriter.sh): example.eml through the MIME walk,
 * jsoup with positions and the link codec, with opens, initial opens and clicks tracked.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RewriterBenchmark {

    private byte[] message;
    private byte[] messageWithTextUrls;
    private String html;
    private EngagementTracking tracking;
    private EngagementTracking trackingTextLinks;
    private HtmlTracker tracker;

    @Setup
    public void setUp() throws IOException {
        String eml = Files.readString(Path.of("src/test/resources/example.eml"), StandardCharsets.UTF_8);
        message = eml.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        html = eml.substring(eml.indexOf("<!DOCTYPE"));
        tracker = new HtmlTracker(LinkCodec.unsigned(), "http://t.example:8888", true, true, true);
        tracking = new EngagementTracking(tracker, EngagementTracking.MultiRecipient.TRACKED);
        // as bench/wrapper.sh's BENCH_TEXT_LINKS: a URL after each call to action of the text part
        String text = eml.substring(0, eml.indexOf("<!DOCTYPE")).replaceAll("(?m)^(Place an order|Learn more)\r?$",
                "$1: https://www.sparkpost.com/platform/signals/?from=text");
        messageWithTextUrls = (text + html).replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        trackingTextLinks = new EngagementTracking(tracker, new TextLinkTracker(LinkCodec.unsigned(), "http://t.example:8888"),
                EngagementTracking.MultiRecipient.TRACKED);
    }

    /** Whole messages per second (each about 20 KB, 17 KB of it HTML). */
    @Benchmark
    public byte[] message() {
        return tracking.rewrite(message, List.of("bob@example.com"), "-");
    }

    /** The message with URLs in its text part, the HTML tracked and the text part's URLs left alone. */
    @Benchmark
    public byte[] textUrlsLeft() {
        return tracking.rewrite(messageWithTextUrls, List.of("bob@example.com"), "-");
    }

    /** The same message with -track_text_links: its text part's URLs wrapped too. */
    @Benchmark
    public byte[] textUrlsWrapped() {
        return trackingTextLinks.rewrite(messageWithTextUrls, List.of("bob@example.com"), "-");
    }

    /** The HTML step alone, per document. */
    @Benchmark
    public String html() {
        return tracker.track(html, "0000aabbccddeeff0011", "bob@example.com");
    }
}
