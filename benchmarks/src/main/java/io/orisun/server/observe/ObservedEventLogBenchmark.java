package io.orisun.server.observe;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.orisun.api.AppendCondition;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.EventToSave;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * What do the save path's metrics and spans cost? {@link ObservedEventLog} wraps every save the RPCs make: it
 * times it into a histogram, counts the save, its events and their UTF-8 bytes, and opens a span (the no-op
 * tracer unless tracing is on). Here it wraps an event log that answers at once, so {@link #observed} minus
 * {@link #direct} is the decorator's whole cost per save, against a real save's milliseconds. Saves of 1 and 10
 * events with 256-byte payloads. The class sits in the server's package because the decorator is internal to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObservedEventLogBenchmark {

    @Param({"1", "10"})
    public int events;

    private EventLog bare;
    private EventLog observed;
    private SaveRequest request;

    @Setup
    public void setUp() {
        bare = new AnsweringLog();
        observed = new ObservedEventLog(bare, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                OpenTelemetry.noop().getTracer("benchmark"));
        List<EventToSave> batch = new ArrayList<>();
        String pad = "x".repeat(200);
        for (int i = 0; i < events; i++) {
            batch.add(new EventToSave(UUID.randomUUID().toString(), "Benchmarked",
                    "{\"benchmark_context\":\"tag-" + i + "\",\"pad\":\"" + pad + "\"}", "{}"));
        }
        request = new SaveRequest("orisun_test_1", new AppendCondition.ContextUnchanged(
                Query.of(Criterion.of(new Tag("benchmark_context", "tag-0"))), Position.NONE), batch);
    }

    @Benchmark
    public SaveResult direct() {
        return bare.save(request);
    }

    @Benchmark
    public SaveResult observed() {
        return observed.save(request);
    }

    /** An event log that commits nothing and answers every save at once. */
    private static final class AnsweringLog implements EventLog {
        private static final SaveResult RESULT = new SaveResult(new Position(1, 0), new Position(1, 0), false);

        @Override
        public SaveResult save(SaveRequest request) {
            return RESULT;
        }

        @Override
        public List<Event> read(ReadRequest request) {
            return List.of();
        }

        @Override
        public LatestByCriteria latest(String boundary, List<Criterion> criteria) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long count(String boundary) {
            return 0;
        }

        @Override
        public Position head(String boundary) {
            return Position.NONE;
        }
    }
}
