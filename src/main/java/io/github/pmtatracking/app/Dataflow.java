package io.github.pmtatracking.app;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.main.Main;

/**
 * The beans of one dataflow, built from the settings. {@link CamelApplication} binds them, shows
 * {@link #stats()} in JMX as {@code io.github.pmtatracking:type=<app>,name=stats} and adds
 * {@link #metrics()} to the Prometheus registry, the same way for every dataflow.
 */
interface Dataflow extends AutoCloseable {

    /** Binds the beans and values its route file refers to. */
    void bindTo(Main main);

    /** Its counters, an MXBean. */
    Object stats();

    /** The same counters for Prometheus. */
    MeterBinder metrics();
}
