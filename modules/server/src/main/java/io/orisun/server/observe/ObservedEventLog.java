package io.orisun.server.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.orisun.api.AppendCondition;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.EventToSave;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.Position;
import io.orisun.api.ReadRequest;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The event log as the RPCs use it, measured and traced: per boundary it counts saves (committed, replayed,
 * conflicting), events and bytes written, reads, and conflicts by criterion shape, and times every save in a
 * histogram, with the time from the call's arrival to the save and from the save's answer to the call's close as
 * the stages {@code grpc_in} and {@code grpc_out} of {@code orisun.save.stage}; each save and read runs in its own
 * span ({@code orisun.save} covers the queue, the group-commit flush and the commit). Meters are created for a boundary on its first successful call, so that requests for
 * unknown boundaries cannot grow the registry; conflict shapes are capped per boundary for the same reason.
 */
public final class ObservedEventLog implements EventLog {

    static final int MAX_CONFLICT_SHAPES = 64;
    static final String OTHER_SHAPE = "other";

    private final EventLog log;
    private final MeterRegistry registry;
    private final Tracer tracer;
    private final Map<String, BoundaryMeters> boundaries = new ConcurrentHashMap<>();

    public ObservedEventLog(EventLog log, MeterRegistry registry, Tracer tracer) {
        this.log = log;
        this.registry = registry;
        this.tracer = tracer;
    }

    @Override
    public SaveResult save(SaveRequest request) {
        Span span = tracer.spanBuilder("orisun.save")
                .setAttribute("orisun.boundary", request.boundary())
                .setAttribute("orisun.events", request.events().size())
                .startSpan();
        long started = System.nanoTime();
        CallClock clock = Context.current().get(CallClock.KEY);
        try (Scope ignored = span.makeCurrent()) {
            SaveResult result = log.save(request);
            BoundaryMeters meters = meters(request.boundary());
            meters.saved(started, clock);
            if (result.replayed()) {
                meters.replayed.increment();
            } else {
                meters.committed.increment();
                meters.events.increment(request.events().size());
                meters.bytes.increment(bytes(request.events()));
            }
            return result;
        } catch (ConsistencyViolation e) {
            BoundaryMeters meters = meters(request.boundary());
            meters.saved(started, clock);
            meters.conflict(request.condition());
            span.setStatus(StatusCode.ERROR, "consistency violation");
            throw e;
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public List<Event> read(ReadRequest request) {
        Span span = tracer.spanBuilder("orisun.read").setAttribute("orisun.boundary", request.boundary()).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            List<Event> events = log.read(request);
            meters(request.boundary()).reads.increment();
            span.setAttribute("orisun.events", events.size());
            return events;
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public LatestByCriteria latest(String boundary, List<Criterion> criteria) {
        LatestByCriteria latest = log.latest(boundary, criteria);
        meters(boundary).reads.increment();
        return latest;
    }

    @Override
    public long count(String boundary) {
        return log.count(boundary);
    }

    @Override
    public Position head(String boundary) {
        return log.head(boundary);
    }

    private BoundaryMeters meters(String boundary) {
        BoundaryMeters meters = boundaries.get(boundary);
        return meters != null ? meters : boundaries.computeIfAbsent(boundary, b -> new BoundaryMeters(registry, b));
    }

    /** The UTF-8 size of the events' data and metadata, counted without encoding them. */
    static long bytes(List<EventToSave> events) {
        long total = 0;
        for (EventToSave event : events) {
            total += utf8Length(event.data()) + utf8Length(event.metadata());
        }
        return total;
    }

    public static long utf8Length(String text) {
        long length = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    /** The shape of a consistency condition: the sorted distinct tag keys of each criterion, criteria joined by |. */
    public static String shape(AppendCondition condition) {
        if (!(condition instanceof AppendCondition.ContextUnchanged context)) {
            return "none";
        }
        if (context.query().criteria().isEmpty()) {
            return "all";
        }
        TreeSet<String> criteria = new TreeSet<>();
        for (Criterion criterion : context.query().criteria()) {
            TreeSet<String> keys = new TreeSet<>();
            for (Tag tag : criterion.tags()) {
                keys.add(tag.key());
            }
            criteria.add(keys.isEmpty() ? "all" : String.join(",", keys));
        }
        return String.join("|", criteria);
    }

    private static final class BoundaryMeters {
        private final MeterRegistry registry;
        private final String boundary;
        private final Counter committed;
        private final Counter replayed;
        private final Counter events;
        private final Counter bytes;
        private final Counter reads;
        private final Timer saveTimer;
        private final Timer grpcIn;
        private final Timer grpcOut;
        private final Map<String, Counter> conflicts = new ConcurrentHashMap<>();

        BoundaryMeters(MeterRegistry registry, String boundary) {
            this.registry = registry;
            this.boundary = boundary;
            this.committed = saves("committed");
            this.replayed = saves("replayed");
            this.events = Counter.builder("orisun.events.written").description("Events committed")
                    .tag("boundary", boundary).register(registry);
            this.bytes = Counter.builder("orisun.data.written").baseUnit("bytes")
                    .description("UTF-8 bytes of event data and metadata committed")
                    .tag("boundary", boundary).register(registry);
            this.reads = Counter.builder("orisun.reads").description("Reads and latest-by-criteria queries served")
                    .tag("boundary", boundary).register(registry);
            this.saveTimer = Timer.builder("orisun.save.duration")
                    .description("Time from a save's arrival to its commit or rejection, group-commit wait included")
                    .tag("boundary", boundary).publishPercentileHistogram()
                .minimumExpectedValue(NodeMetrics.MIN_LATENCY).maximumExpectedValue(NodeMetrics.MAX_LATENCY).register(registry);
            this.grpcIn = LogObservation.stage(registry, "orisun.save.stage", boundary, "grpc_in");
            this.grpcOut = LogObservation.stage(registry, "orisun.save.stage", boundary, "grpc_out");
        }

        /** Records a save that started at {@code started}, and its gRPC stages when it came from an RPC. */
        void saved(long started, CallClock clock) {
            long now = System.nanoTime();
            saveTimer.record(now - started, TimeUnit.NANOSECONDS);
            if (clock != null) {
                grpcIn.record(started - clock.arrived(), TimeUnit.NANOSECONDS);
                clock.answered(grpcOut, now);
            }
        }

        private Counter saves(String outcome) {
            return Counter.builder("orisun.saves").description("Save requests by outcome")
                    .tag("boundary", boundary).tag("outcome", outcome).register(registry);
        }

        void conflict(AppendCondition condition) {
            saves("conflict").increment();
            String shape = shape(condition);
            Counter counter = conflicts.get(shape);
            if (counter == null) {
                String key = conflicts.size() < MAX_CONFLICT_SHAPES ? shape : OTHER_SHAPE;
                counter = conflicts.computeIfAbsent(key, s -> Counter.builder("orisun.conflicts")
                        .description("Saves rejected by the consistency check, by the shape of its criteria")
                        .tag("boundary", boundary).tag("shape", s).register(registry));
            }
            counter.increment();
        }
    }
}
