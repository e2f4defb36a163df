package io.github.pmtatracking.wrapper;

import static io.github.pmtatracking.wrapper.Rewritten.crlf;
import static io.github.pmtatracking.wrapper.Rewritten.links;
import static io.github.pmtatracking.wrapper.Rewritten.s;
import static io.github.pmtatracking.wrapper.Rewritten.spotsTakenOut;
import static io.github.pmtatracking.wrapper.Rewritten.withoutId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.UpstreamSmtp;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rewrite as deployed: routes/wrapper.yaml with the engagement-tracking bean, between a
 * scripted client and a real SMTP server upstream. What arrives upstream is compared byte for byte
 * with what the client sent.
 */
class RewriteThroughProxyTest {

    private UpstreamSmtp upstream;
    private DefaultCamelContext camel;
    private WrapperStats stats;
    private int port;

    @BeforeEach
    void start() throws Exception {
        upstream = UpstreamSmtp.plain();
        port = TestRedis.freePort();
        camel = new DefaultCamelContext();
        // the route's placeholders from the settings file, the addresses from this test
        camel.getPropertiesComponent().setLocation("classpath:config/application.properties");
        java.util.Properties overrides = new java.util.Properties();
        overrides.put("wrapper.in_hostport", "127.0.0.1:" + port);
        overrides.put("wrapper.out_hostport", "127.0.0.1:" + upstream.port());
        overrides.put("wrapper.upstream_starttls", "false");
        camel.getPropertiesComponent().setOverrideProperties(overrides);
        EngagementTracking tracking = new EngagementTracking(new HtmlTracker(Rewritten.CODEC, Rewritten.URL, true, false, true),
                EngagementTracking.MultiRecipient.TRACKED);
        stats = new WrapperStats();
        stats.tracking(tracking);
        SmtpProxyComponent component = new SmtpProxyComponent();
        component.setStats(stats);
        camel.addComponent("smtp-proxy", component);
        camel.getRegistry().bind("engagementTracking", tracking);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/wrapper.yaml"));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        upstream.close();
    }

    private byte[] relay(byte[] message) throws Exception {
        int before = upstream.received().size();
        try (SmtpScript c = new SmtpScript(port)) {
            c.reply();
            c.command("EHLO c");
            c.command("MAIL FROM:<s@example.com>");
            c.command("RCPT TO:<r@example.com>");
            c.command("DATA");
            c.send(s(message));
            String reply = c.command(".");
            assertTrue(reply.startsWith("250"), reply);
        }
        return upstream.received().get(before).data();
    }

    @Test
    void mimeTooDeepAndPartsThatDoNotDecodeArriveAsSentWithTheMessageId() throws Exception {
        byte[] deep = crlf(MessageIdRegardlessOfBodyTest.nested(40, "<a href=\"https://deep.example/\">deep</a>"));
        assertEquals(s(deep), withoutId(s(relay(deep))));

        byte[] undecodable = crlf("From: a@example.com\nContent-Type: multipart/alternative; boundary=b\n\n"
                + "--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                + "PGEgaHJlZj0iaHR0cHM6Ly9hLmV4YW1wbGUvIj5hPC9hPg*=\n"
                + "--b\nContent-Type: text/html; charset=x-unknown\n\n<a href=\"https://b.example/\">b</a>\n"
                + "--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "<a href=3D\"https://c.example/\">=QQ</a>\n--b--\n");
        assertEquals(s(undecodable), withoutId(s(relay(undecodable))));
        assertEquals(Map.of("too_deep", 1L, "undecodable_part", 2L, "unknown_charset", 1L), nonZero(stats.getMimeFaultsByReason()));
        assertEquals(2, stats.getMessagesTracked(), "both went on with their id");
        assertEquals(0, stats.getMessagesUnparseable());
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> m = new TreeMap<>(counts);
        m.values().removeIf(n -> n == 0);
        return m;
    }

    @Test
    void aPartInTheWrongCharsetArrivesTrackedWithEveryOtherByteAsSent() throws Exception {
        byte[] latin1 = crlf("From: a@example.com\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                + "<html><body><p>cr\u00e8me br\u00fbl\u00e9e</p><a href=\"https://a.example/\">a</a></body></html>\n");
        String got = withoutId(s(relay(latin1)));
        assertEquals("https://a.example/", links(got).get(0).link().targetUrl());
        assertEquals(s(latin1), spotsTakenOut(got));
        assertEquals(Map.of("wrong_charset", 1L), nonZero(stats.getMimeFaultsByReason()));
    }
}
