package io.github.pmtatracking.feeder;

import static io.github.pmtatracking.feeder.FeederRig.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.IngestStandIn;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One feeder id, one owner: two real feeder processes with the same id on one Redis, and a single
 * feeder whose POST outlives its lease. Every event must reach the API at least once, whatever the
 * lease did meanwhile. The lease is 2 s here (15 s by default).
 */
class FeederOwnershipTest {

    private static final Map<String, String> SHORT_LEASE = Map.of("FEEDER_OWNER_TTL_SECONDS", "2");
    private static final String LOST = "Lost the ownership of feeder id";

    private FeederRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = FeederRig.start();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /** The case: the API answers after 3 s, past the 2 s lease, and a second process with the same id is waiting. */
    @Test
    void twoProcessesWithOneIdAndAnApiSlowerThanTheLeaseLoseNothing() throws Exception {
        rig.api.answerAfter(3000);
        Set<String> all = rig.queue(150, "slow-");
        // about 34 events a batch, each answered after 3 s: five POSTs, every one outliving the
        // lease (400 events made twelve, 37 s of waiting for the same case); the first POST is held
        // until the second process has started and found the id taken (a JVM start took 30 s on a
        // loaded machine, longer than all the POSTs), so the second always starts while the first is sending
        IngestStandIn.Hold firstPost = rig.api.holdAnswers();
        AppProcess first = rig.feeder(SHORT_LEASE, "-batch_max_bytes", "12000");
        rig.api.awaitRequests(1, 60);
        AppProcess second = rig.feeder(SHORT_LEASE, "-batch_max_bytes", "12000");
        second.awaitOutput("is held by another running feeder", 90);
        rig.api.stopHolding();
        firstPost.release();
        rig.api.awaitAcceptedIds(all, 90);
        rig.awaitEmpty();
        assertTrue(second.output().contains("is held by another running feeder"), second.output());
        assertFalse(first.output().contains(LOST), first.output());
    }

    /**
     * A process frozen past its lease (a GC pause, a suspended VM) while its POST is out: a second
     * process takes the id over and claims new events. The first's late 200 must not touch the
     * in-flight list, and the first must say that it lost the id. When the second dies before its
     * own POST succeeded, the first takes the id again and sends what the second left in flight.
     */
    @Test
    void aProcessThatLostItsLeaseLeavesTheInFlightListToTheOwner() throws Exception {
        IngestStandIn.Hold firstAnswer = rig.api.holdAnswers();
        Set<String> early = rig.queue(100, "early-");
        AppProcess first = rig.feeder(SHORT_LEASE);
        rig.api.awaitRequests(1, 30);
        rig.api.stopHolding();
        first.pause();

        AppProcess second = rig.feeder(SHORT_LEASE);
        rig.api.awaitAcceptedIds(early, 30); // the second sent the first's batch again once the lease lapsed
        await("the second settled the batch it took over", 10, () -> rig.inflight() == 0);

        rig.api.answer(503); // the second's next POST fails, after the first's late answer
        IngestStandIn.Hold secondAnswer = rig.api.holdAnswers();
        Set<String> late = rig.queue(100, "late-");
        int sent = rig.api.requests().size();
        rig.api.awaitRequests(sent + 1, 30);
        assertEquals(late, inflightIds());

        firstAnswer.release();
        first.resume();
        first.awaitOutput(LOST, 30);
        assertEquals(100, rig.inflight(), "the first process's late acknowledgement removed the second's claim");
        assertEquals(late, inflightIds());

        second.kill();
        rig.api.stopHolding();
        secondAnswer.release();
        rig.api.awaitAcceptedIds(late, 30);
        rig.awaitEmpty();
        assertTrue(first.output().contains("Sending again 100 events left in flight"), first.output());
    }

    /**
     * One feeder, a POST longer than two leases: the lease is renewed while the POST is
     * out, so no other process could take the id. Then the process is frozen past its lease with
     * nobody else waiting: its acknowledgement is refused, it takes the id again and sends the
     * batch again. Nothing is lost either way.
     */
    @Test
    void aSingleFeederKeepsItsLeaseThroughALongPostAndLosesNothingWhenFrozenPastIt() throws Exception {
        IngestStandIn.Hold answer = rig.api.holdAnswers();
        Set<String> first = rig.queue(50, "long-");
        AppProcess feeder = rig.feeder(SHORT_LEASE);
        rig.api.awaitRequests(1, 30);
        String token = rig.ownerToken();
        assertNotNull(token);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // two and a half leases
        while (System.nanoTime() < until) {
            assertEquals(token, rig.ownerToken(), "the lease lapsed while the POST was out");
            Thread.sleep(100);
        }
        rig.api.stopHolding();
        answer.release();
        rig.api.awaitAccepted(50, 30);
        rig.awaitEmpty();
        assertEquals(1, rig.api.requests().size(), "sent once");
        assertEquals(first, FeederRig.ids(rig.api.acceptedEvents()));
        assertFalse(feeder.output().contains(LOST), feeder.output());

        IngestStandIn.Hold frozenAnswer = rig.api.holdAnswers();
        Set<String> second = rig.queue(50, "frozen-");
        rig.api.awaitRequests(2, 30);
        rig.api.stopHolding();
        feeder.pause();
        await("the frozen feeder's lease lapsed", 15, () -> rig.ownerToken() == null);
        frozenAnswer.release();
        feeder.resume();
        feeder.awaitOutput(LOST, 30);
        await("the batch sent again", 30, () -> rig.api.requests().size() >= 3);
        rig.api.awaitAcceptedIds(second, 30);
        rig.awaitEmpty();
        assertEquals(second, FeederRig.ids(rig.api.requests().get(2).events()), "the same batch, the same event ids");
    }

    private Set<String> inflightIds() {
        Set<String> ids = new HashSet<>();
        for (String raw : rig.redis.commands().lrange("trk_queue:inflight:" + FeederRig.ID, 0, -1)) {
            int at = raw.indexOf("\"event_id\":\"") + "\"event_id\":\"".length();
            ids.add(raw.substring(at, raw.indexOf('"', at)));
        }
        return ids;
    }
}
