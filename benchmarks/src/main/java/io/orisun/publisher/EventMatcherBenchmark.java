package io.orisun.publisher;

import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long does a live subscription take to decide whether one event is for it? {@link EventMatcher} runs once per
 * event per subscriber on the node: {@link #firstSubscriber} pays for parsing the 256-byte payload (the first
 * subscriber of an event does), {@link #laterSubscriber} finds the fields parsed already. The queries: the reserved
 * event-type tag (no payload parse at all), one payload tag, and three two-tag criteria that do not match (every
 * tag is compared). The class sits in the publisher's package because the matcher is internal to it; the
 * benchmarks run on the class path, where that is allowed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventMatcherBenchmark {

    private static final int EVENTS = 64;

    @Param({"event-type", "one-tag", "three-criteria"})
    public String query;

    private EventMatcher matcher;
    private Event[] events;
    private FeedEvent[] parsed;
    private int next;

    @Setup
    public void prepare() {
        matcher = EventMatcher.of(switch (query) {
            case "event-type" -> Query.of(Criterion.of(Tag.of("eventType", "BenchmarkEvent")));
            case "one-tag" -> Query.of(Criterion.of(Tag.of("benchmark_context", "ctx-7")));
            case "three-criteria" -> Query.of(
                    Criterion.of(Tag.of("benchmark_context", "ctx-none-1"), Tag.of("region", "eu")),
                    Criterion.of(Tag.of("benchmark_context", "ctx-none-2"), Tag.of("region", "us")),
                    Criterion.of(Tag.of("eventType", "Other"), Tag.of("benchmark_context", "ctx-3")));
            default -> throw new IllegalArgumentException(query);
        });
        events = new Event[EVENTS];
        parsed = new FeedEvent[EVENTS];
        Instant now = Instant.now();
        for (int i = 0; i < EVENTS; i++) {
            String context = "ctx-" + (i % 16);
            String data = "{\"benchmark_context\":\"" + context + "\",\"region\":\"eu\",\"amount\":12.50,"
                    + "\"pad\":\"" + "x".repeat(180) + "\"}";
            events[i] = new Event("id-" + i, "BenchmarkEvent", data, "{}", new Position(i + 1, i), now);
            parsed[i] = new FeedEvent(events[i]);
            parsed[i].fields();
        }
    }

    @Benchmark
    public boolean firstSubscriber() {
        int i = next++ & (EVENTS - 1);
        return matcher.matches(new FeedEvent(events[i]));
    }

    @Benchmark
    public boolean laterSubscriber() {
        int i = next++ & (EVENTS - 1);
        return matcher.matches(parsed[i]);
    }
}
