package io.orisun.server.observe;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.WriteResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does observing one unary call cost: the interceptor that times every RPC per method and status and opens its
 * span (the no-op tracer, as when tracing is off)? {@link #observedCall} runs a SaveEvents call through it (start,
 * message, half-close, close with OK) against a handler and a call that do nothing; {@link #bareCall} is the same
 * call without it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RpcObservationBenchmark {

    private static final SaveEventsRequest REQUEST = SaveEventsRequest.getDefaultInstance();
    private static final WriteResult RESULT = WriteResult.getDefaultInstance();

    private RpcObservation observation;
    private final ServerCallHandler<SaveEventsRequest, WriteResult> handler = (call, headers) -> new Answering(call);

    @Setup
    public void setUp() {
        observation = new RpcObservation(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                OpenTelemetry.noop().getTracer("benchmark"));
    }

    @Benchmark
    public void observedCall() {
        run(observation.interceptCall(new QuietCall(), new Metadata(), handler));
    }

    @Benchmark
    public void bareCall() {
        run(handler.startCall(new QuietCall(), new Metadata()));
    }

    private static void run(ServerCall.Listener<SaveEventsRequest> listener) {
        listener.onMessage(REQUEST);
        listener.onHalfClose();
        listener.onComplete();
    }

    /** A unary handler that answers at once. */
    private static final class Answering extends ServerCall.Listener<SaveEventsRequest> {
        private final ServerCall<SaveEventsRequest, WriteResult> call;

        Answering(ServerCall<SaveEventsRequest, WriteResult> call) {
            this.call = call;
        }

        @Override
        public void onHalfClose() {
            call.sendHeaders(new Metadata());
            call.sendMessage(RESULT);
            call.close(Status.OK, new Metadata());
        }
    }

    /** A call that sends nothing anywhere. */
    private static final class QuietCall extends ServerCall<SaveEventsRequest, WriteResult> {
        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(WriteResult message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public MethodDescriptor<SaveEventsRequest, WriteResult> getMethodDescriptor() {
            return EventStoreGrpc.getSaveEventsMethod();
        }
    }
}
