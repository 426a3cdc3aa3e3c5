package io.orisun.server.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.orisun.api.LogObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns what the flushers and publishers report into meters (group-commit size, duration and stages, each save's
 * wait in the queue and for its thread to wake, published events, publish duration and errors, statements cancelled
 * by a budget, per boundary) and into one span per flush ({@code orisun.flush}) and per published batch
 * ({@code orisun.publish}). A flush serves saves from many calls, so its span stands alone rather than under one of
 * them; its start is back-dated by the reported duration.
 */
public final class LogObservation implements LogObserver {

    private final MeterRegistry registry;
    private final Tracer tracer;
    private final Map<String, BoundaryMeters> boundaries = new ConcurrentHashMap<>();

    private static final Duration STAGE_MIN = Duration.ofNanos(2_000);
    private static final Duration STAGE_MAX = Duration.ofSeconds(10);

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
    public void flushStages(String boundary, long checkoutNanos, long statementNanos) {
        BoundaryMeters meters = meters(boundary);
        meters.checkout.record(checkoutNanos, TimeUnit.NANOSECONDS);
        meters.statement.record(statementNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void saveWaited(String boundary, long queuedNanos, long wakeNanos) {
        BoundaryMeters meters = meters(boundary);
        meters.queue.record(queuedNanos, TimeUnit.NANOSECONDS);
        meters.wake.record(wakeNanos, TimeUnit.NANOSECONDS);
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

    /**
     * A timer of one stage of a save ({@code orisun.save.stage}) or of a group commit ({@code orisun.flush.stage}),
     * with a histogram fine enough for stages of a few microseconds.
     */
    static Timer stage(MeterRegistry registry, String name, String boundary, String stage) {
        return Timer.builder(name)
                .description(name.equals("orisun.save.stage")
                        ? "Time of one save by stage: grpc_in from the call's arrival to the event log, queue until the"
                        + " flusher takes its batch, wake from its answer to its caller running, grpc_out to the close"
                        : "Time of one group commit by stage: checkout of a write connection, statement for the save"
                        + " function's round trip with its commit")
                .tag("boundary", boundary).tag("stage", stage).publishPercentileHistogram()
                .minimumExpectedValue(STAGE_MIN).maximumExpectedValue(STAGE_MAX).register(registry);
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
        private final Timer checkout;
        private final Timer statement;
        private final Timer queue;
        private final Timer wake;

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
            checkout = stage(registry, "orisun.flush.stage", boundary, "checkout");
            statement = stage(registry, "orisun.flush.stage", boundary, "statement");
            queue = stage(registry, "orisun.save.stage", boundary, "queue");
            wake = stage(registry, "orisun.save.stage", boundary, "wake");
        }

        private static Counter budgetCounter(MeterRegistry registry, String boundary, String operation) {
            return Counter.builder("orisun.budget.exceeded")
                    .description("Statements cancelled because they ran past their budget (ORISUN_LIMIT_WRITE_BUDGET,"
                            + " ORISUN_LIMIT_READ_BUDGET)")
                    .tag("boundary", boundary).tag("operation", operation).register(registry);
        }
    }
}
