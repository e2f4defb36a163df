package io.github.pmtatracking.acct;

import java.util.Map;

/** acct_etl's counters, as JMX shows them while it runs (Hawtio: io.github.pmtatracking / acct_etl). */
public interface AcctEtlStatsMXBean {
    long getLinesRead();

    long getDeliveryRecordsRead();

    long getRedisCommandsConfirmed();

    Map<String, Long> getSkippedByReason();
}
