package io.orisun.bench;

import java.util.Optional;

/**
 * The outcome of one scenario at one concurrency, with the JDBC baselines taken at the same concurrency in the
 * same run (writes only) and, for {@code subscribe-latency}, the save-to-delivery latencies.
 *
 * @param totals     the scenario's requests, events and request latency
 * @param perEvent   the baseline with one INSERT and commit per event
 * @param batchSize  the rows per commit of {@code batched}
 * @param batched    the batched baseline
 * @param delivery   events received by the subscriber, with the time from the start of their save to delivery
 */
record ResultRow(Scenario scenario, int clients, Tally.Totals totals, Optional<Tally.Totals> perEvent, int batchSize,
                 Optional<Tally.Totals> batched, Optional<Tally.Totals> delivery) {

    static ResultRow of(Scenario scenario, int clients, Tally.Totals totals) {
        return new ResultRow(scenario, clients, totals, Optional.empty(), 0, Optional.empty(), Optional.empty());
    }

    /** Our events/s divided by the per-event baseline's, or NaN without it. */
    double perEventRatio() {
        return perEvent.map(b -> totals.eventsPerSecond() / b.eventsPerSecond()).orElse(Double.NaN);
    }

    /** Our events/s divided by the batched baseline's, or NaN without it. */
    double batchedRatio() {
        return batched.map(b -> totals.eventsPerSecond() / b.eventsPerSecond()).orElse(Double.NaN);
    }
}
