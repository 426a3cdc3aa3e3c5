package io.orisun.server.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.orisun.api.LogObserver;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns what the flushers and publishers report into meters (group-commit size and duration, published events,
 * publish duration and errors, statements cancelled by a budget, per boundary) and into one span per flush ({@code orisun.flush}) and per published
 * batch ({@code orisun.publish}). A flush serves saves from many calls, so its span stands alone rather than
 * under one of them; its start is back-dated by the reported duration.
 */
public final class LogObservation implements LogObserver {

    private final MeterRegistry registry;
    private final Tracer tracer;
    private final Map<String, BoundaryMeters> boundaries = new ConcurrentHashMap<>();

    public LogObservation(MeterRegistry registry, Tracer tracer) {
        this.registry = registry;
        this.tracer = tracer;
    }

    @Override
    public void flushed(String boundary, int saves, int events, long nanos) {
        BoundaryMeters meters = meters(boundary);
        meters.flushSaves.record(saves);
        meters.flushEvents.record(events);
        meters.flushDuration.record(nanos, TimeUnit.NANOSECONDS);
        span("orisun.flush", boundary, nanos).setAttribute("orisun.saves", saves).setAttribute("orisun.events", events)
                .end();
    }

    @Override
    public void published(String boundary, int events, long nanos) {
        BoundaryMeters meters = meters(boundary);
        meters.published.increment(events);
        meters.publishDuration.record(nanos, TimeUnit.NANOSECONDS);
        span("orisun.publish", boundary, nanos).setAttribute("orisun.events", events).end();
    }

    @Override
    public void publishFailed(String boundary, Exception cause) {
        meters(boundary).publishErrors.increment();
        Span span = span("orisun.publish", boundary, 0);
        span.recordException(cause);
        span.setStatus(StatusCode.ERROR, cause.getClass().getSimpleName());
        span.end();
    }

    @Override
    public void budgetExceeded(String boundary, String operation) {
        BoundaryMeters meters = meters(boundary);
        (operation.equals("write") ? meters.writeBudgetExceeded : meters.readBudgetExceeded).increment();
    }

    private Span span(String name, String boundary, long nanos) {
        Instant end = Instant.now();
        return tracer.spanBuilder(name).setNoParent().setAttribute("orisun.boundary", boundary)
                .setStartTimestamp(end.minusNanos(nanos)).startSpan();
    }

    private BoundaryMeters meters(String boundary) {
        BoundaryMeters meters = boundaries.get(boundary);
        return meters != null ? meters : boundaries.computeIfAbsent(boundary, b -> new BoundaryMeters(registry, b));
    }

    private static final class BoundaryMeters {
        private final DistributionSummary flushSaves;
        private final DistributionSummary flushEvents;
        private final Timer flushDuration;
        private final Counter published;
        private final Timer publishDuration;
        private final Counter publishErrors;
        private final Counter writeBudgetExceeded;
        private final Counter readBudgetExceeded;

        BoundaryMeters(MeterRegistry registry, String boundary) {
            flushSaves = DistributionSummary.builder("orisun.flush.saves")
                    .description("Save requests committed together in one group commit").tag("boundary", boundary)
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
            flushEvents = DistributionSummary.builder("orisun.flush.events")
                    .description("Events committed together in one group commit").tag("boundary", boundary)
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
            flushDuration = Timer.builder("orisun.flush.duration")
                    .description("Time of one group commit, from taking the batch to answering it")
                    .tag("boundary", boundary).publishPercentileHistogram()
                .minimumExpectedValue(NodeMetrics.MIN_LATENCY).maximumExpectedValue(NodeMetrics.MAX_LATENCY).register(registry);
            published = Counter.builder("orisun.published.events")
                    .description("Events JetStream acknowledged from the publisher").tag("boundary", boundary)
                    .register(registry);
            publishDuration = Timer.builder("orisun.publish.duration")
                    .description("Time to publish one batch to JetStream and collect its acknowledgements")
                    .tag("boundary", boundary).publishPercentileHistogram()
                .minimumExpectedValue(NodeMetrics.MIN_LATENCY).maximumExpectedValue(NodeMetrics.MAX_LATENCY).register(registry);
            publishErrors = Counter.builder("orisun.publish.errors")
                    .description("Failed attempts to publish to JetStream (each is retried from the checkpoint)")
                    .tag("boundary", boundary).register(registry);
            writeBudgetExceeded = budgetCounter(registry, boundary, "write");
            readBudgetExceeded = budgetCounter(registry, boundary, "read");
        }

        private static Counter budgetCounter(MeterRegistry registry, String boundary, String operation) {
            return Counter.builder("orisun.budget.exceeded")
                    .description("Statements cancelled because they ran past their budget (ORISUN_LIMIT_WRITE_BUDGET,"
                            + " ORISUN_LIMIT_READ_BUDGET)")
                    .tag("boundary", boundary).tag("operation", operation).register(registry);
        }
    }
}
