package io.github.pmtatracking.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Refuse;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Relay;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.State;
import io.github.pmtatracking.wrapper.SmtpCommandPolicy.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The allow-list and its checks, line by line, without a network. */
class SmtpCommandPolicyTest {

    private static final EsmtpOffer OFFER = EsmtpOffer.of(new SmtpReply(250, List.of("proxy", "8BITMIME", "SIZE 1000",
            "DSN", "AUTH PLAIN LOGIN", "AUTH=LOGIN", "PIPELINING", "SMTPUTF8")));
    private static final State GREETED = new State(OFFER, false, false, false);
    private static final State IN_MAIL = new State(OFFER, true, false, false);

    private static Verdict check(String line, State s) {
        return SmtpCommandPolicy.check(line, line.getBytes(StandardCharsets.UTF_8).length, s);
    }

    private static int code(String line, State s) {
        Verdict v = check(line, s);
        return v instanceof Refuse r ? r.reply().code() : 0;
    }

    @Test
    void theOfferIsReadFromTheEhloReplyTheClientSaw() {
        assertEquals(Set.of("8BITMIME", "SIZE", "DSN", "AUTH", "PIPELINING", "SMTPUTF8"), OFFER.keywords());
        assertEquals(Set.of("PLAIN", "LOGIN"), OFFER.authMechanisms());
        assertEquals(1000, OFFER.sizeLimit());
        assertEquals(0, EsmtpOffer.of(new SmtpReply(250, List.of("proxy", "SIZE"))).sizeLimit(), "SIZE without a number");
    }

    @Test
    void theSenderIsTakenApartEvenWithAQuotedLocalPart() {
        Relay r = (Relay) check("MAIL FROM:<\"a> b\"@example.com> SIZE=10 BODY=8BITMIME", GREETED);
        assertEquals("\"a> b\"@example.com", r.path());
        assertEquals("a@example.com", ((Relay) check("mail from: <a@example.com>", GREETED)).path(), "a space after the colon");
        assertEquals("a@example.com", ((Relay) check("MAIL FROM:a@example.com", GREETED)).path(), "no brackets");
        assertEquals("", ((Relay) check("MAIL FROM:<>", GREETED)).path(), "the null sender");
        assertEquals("b@example.com", ((Relay) check("RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.com",
                IN_MAIL)).path());
        assertEquals(EnvelopeCommand.parse("MAIL FROM:<a@b>  size=1 ", "FROM:").parameters(), java.util.Map.of("SIZE", "1"));
    }

    @Test
    void malformedEnvelopeLinesAre501() {
        for (String line : List.of("MAIL FROM:<a@example.com", "MAIL FROM:<a@example.com>x", "MAIL TO:<a@example.com>",
                "MAIL", "MAIL FROM:", "MAIL FROM:<a@example.com> =1", "MAIL FROM:<a@example.com> SIZE==1",
                "MAIL FROM:<a@example.com> BODY=8BITMIME body=7BIT", "MAIL FROM:<a@example.com> SMTPUTF8=yes")) {
            assertEquals(501, code(line, GREETED), line);
        }
        assertEquals(501, code("RCPT TO:b@example.com>", IN_MAIL));
    }

    @Test
    void theDeclaredSizeIsComparedWithTheLimitOffered() {
        assertEquals(0, code("MAIL FROM:<a@example.com> SIZE=1000", GREETED));
        assertEquals(552, code("MAIL FROM:<a@example.com> SIZE=1001", GREETED));
        assertEquals(552, code("MAIL FROM:<a@example.com> SIZE=00000000000000001001", GREETED));
        assertEquals(0, code("MAIL FROM:<a@example.com> SIZE=99999999999999999999",
                new State(EsmtpOffer.of(new SmtpReply(250, List.of("proxy", "SIZE"))), false, false, false)), "no limit stated");
        assertEquals(555, code("MAIL FROM:<a@example.com> SIZE=1", new State(EsmtpOffer.NONE, false, false, false)),
                "after HELO nothing is offered");
    }

    @Test
    void authIsCheckedAgainstTheMechanismsOffered() {
        assertInstanceOf(Relay.class, check("AUTH login", GREETED));
        assertEquals(504, code("AUTH XOAUTH2 abc", GREETED));
        assertEquals(501, code("AUTH", GREETED));
        assertEquals(502, code("AUTH PLAIN", new State(EsmtpOffer.NONE, false, false, false)), "after HELO");
        assertEquals(530, code("AUTH PLAIN", new State(EsmtpOffer.of(new SmtpReply(250, List.of("proxy", "STARTTLS"))),
                false, false, false)), "STARTTLS first");
        assertEquals(0, code("AUTH PLAIN " + "A".repeat(12_000), GREETED), "RFC 4954's longer lines");
        assertEquals(500, code("AUTH PLAIN " + "A".repeat(12_280), GREETED));
        assertNull(SmtpCommandPolicy.checkSaslResponse("A".repeat(12_000), 12_000));
        assertEquals(CommandRefusal.CONTROL_BYTES, SmtpCommandPolicy.checkSaslResponse("dXNlcg==\r", 9).reason());
    }

    @Test
    void helpAndVrfyAreAnsweredHere() {
        SmtpReply help = ((SmtpCommandPolicy.Answer) check("HELP MAIL", GREETED)).reply();
        assertEquals(214, help.code());
        assertTrue(help.text().endsWith(" AUTH") && !help.text().contains("STARTTLS"), help.text());
        assertEquals(252, ((SmtpCommandPolicy.Answer) check("VRFY bob", null)).reply().code());
        assertEquals(501, code("VRFY", null));
    }

    @Test
    void commandsNeedNoGreetingUnlessTheyStartOrNeedATransaction() {
        State fresh = new State(null, false, false, false);
        for (String line : List.of("NOOP", "RSET", "QUIT", "EHLO c", "HELO c")) {
            assertInstanceOf(Relay.class, check(line, fresh), line); // RFC 5321 4.1.4
        }
        assertEquals(503, code("MAIL FROM:<a@example.com>", fresh));
        assertEquals(503, code("RCPT TO:<a@example.com>", fresh));
        assertEquals(503, code("DATA", fresh));
        assertEquals(554, code("DATA", IN_MAIL), "no recipients");
        assertInstanceOf(Relay.class, check("DATA", new State(OFFER, true, true, false)));
        assertEquals(502, code("STARTTLS", fresh));
    }

    @Test
    void pastTheRecipientLimitAValidRcptGets452AndABadOneStillItsSyntaxError() {
        State full = new State(OFFER, true, true, false, true);
        Verdict v = check("RCPT TO:<b@example.com>", full);
        assertEquals("452 4.5.3 Too many recipients", ((Refuse) v).reply().toWire().trim());
        assertEquals(CommandRefusal.TOO_MANY_RECIPIENTS, ((Refuse) v).reason());
        assertEquals(501, code("RCPT TO:b@example.com>", full));
        assertInstanceOf(Relay.class, check("RCPT TO:<b@example.com>", new State(OFFER, true, true, false, false)));
        assertInstanceOf(Relay.class, check("DATA", full), "the recipients accepted go ahead");
    }

    @Test
    void theLoggedVerbIsPrintableAndShort() {
        assertEquals("XCLIENT", SmtpCommandPolicy.shown("xclient ADDR=1.2.3.4"));
        assertEquals("NOOP?X", SmtpCommandPolicy.shown("NOOP\0X"));
        assertEquals(16, SmtpCommandPolicy.shown("A".repeat(100)).length());
        assertThrows(IllegalArgumentException.class, () -> SmtpCommandPolicy.refusal(CommandRefusal.SYNTAX));
    }
}
