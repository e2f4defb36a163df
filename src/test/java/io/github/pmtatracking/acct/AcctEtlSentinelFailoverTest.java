package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.SentinelRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * acct_etl on a master with two replicas under three Sentinels: records piped in while the master
 * is killed with -9 and a replica promoted are all in the new master once acct_etl has ended (exit
 * 0): a batch counts as stored only once a replica has it (WAIT), and is written again otherwise.
 */
class AcctEtlSentinelFailoverTest {

    @Test
    void recordsWrittenAcrossAFailoverAreAllThereAfterIt() throws Exception {
        try (SentinelRedis redis = new SentinelRedis();
             AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl")) {
            int firstMaster = redis.masterPort();
            app.write("type,rcpt,header_x-sp-message-id\n");
            List<String> ids = new ArrayList<>();
            int n = 0;
            for (int round = 0; round < 40; round++) {
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 250; i++, n++) {
                    String id = String.format("0000%016x", n);
                    ids.add(id);
                    lines.append("d,r").append(n).append("@example.com,").append(id).append('\n');
                }
                app.write(lines.toString());
                if (round == 10) {
                    redis.killMaster();
                }
                Thread.sleep(100);
            }
            for (int i = 0; i < 300 && redis.masterPort() == firstMaster; i++) {
                Thread.sleep(100);
            }
            assertNotEquals(firstMaster, redis.masterPort(), "a replica was promoted; logs in " + redis.dir());
            app.closeStdin();
            assertEquals(0, app.waitFor(120), app.output());
            RedisClient client = redis.masterClient();
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                List<String> missing = new ArrayList<>();
                for (String id : ids) {
                    if (c.sync().exists("msgID_" + id) == 0) {
                        missing.add(id);
                    }
                }
                assertEquals(List.of(), missing, ids.size() + " records piped; output: " + app.output());
            } finally {
                client.shutdown();
            }
        }
    }
}
