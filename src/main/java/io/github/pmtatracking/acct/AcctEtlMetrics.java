package io.github.pmtatracking.acct;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * acct_etl's counters for Prometheus, read from the loader at scrape time:
 * {@code pmta_acct_etl_lines_read_total}, {@code pmta_acct_etl_records_read_total} (delivery
 * records), {@code pmta_acct_etl_records_stored_total} (SETs Redis confirmed) and
 * {@code pmta_acct_etl_records_skipped_total{reason}}.
 */
public final class AcctEtlMetrics implements MeterBinder {

    private final AccountingRecordLoader loader;

    public AcctEtlMetrics(AccountingRecordLoader loader) {
        this.loader = loader;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("pmta.acct.etl.lines.read", loader, AccountingRecordLoader::getLinesRead)
                .description("Accounting lines read from the pipe")
                .register(registry);
        FunctionCounter.builder("pmta.acct.etl.records.read", loader, AccountingRecordLoader::getDeliveryRecordsRead)
                .description("Delivery records read and queued for Redis")
                .register(registry);
        FunctionCounter.builder("pmta.acct.etl.records.stored", loader, AccountingRecordLoader::getRedisCommandsConfirmed)
                .description("Records Redis confirmed (msgID_ keys, and the header record)")
                .register(registry);
        for (SkipReason reason : SkipReason.values()) {
            FunctionCounter.builder("pmta.acct.etl.records.skipped", loader,
                            l -> l.skipped(reason))
                    .tag("reason", reason.label())
                    .description("Lines not stored, by reason")
                    .register(registry);
        }
    }
}
