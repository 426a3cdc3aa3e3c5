package io.orisun.server.observe;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures and traces every RPC: a timer {@code orisun.rpc} per method and status code (the count, the latency
 * histogram), and a server span named after the full method, which is the current span while the handler runs so
 * that the event log's spans become its children; the context also carries the call's {@link CallClock}, for the
 * save's stage timers. It runs outermost, so rejected calls (authentication, size
 * limits) are counted with their status too.
 */
public final class RpcObservation implements ServerInterceptor {

    private final MeterRegistry registry;
    private final Tracer tracer;

    public RpcObservation(MeterRegistry registry, Tracer tracer) {
        this.registry = registry;
        this.tracer = tracer;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                         ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Span span = tracer.spanBuilder(method)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("rpc.system", "grpc")
                .setAttribute("rpc.method", method)
                .startSpan();
        long started = System.nanoTime();
        CallClock clock = new CallClock(started);
        Context context = Context.current().with(span).with(CallClock.KEY, clock);
        AtomicBoolean ended = new AtomicBoolean();
        ServerCall<Q, R> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    clock.closed(System.nanoTime());
                    end(status);
                }
            }

            private void end(Status status) {
                if (ended.compareAndSet(false, true)) {
                    finish(method, status.getCode(), started, span);
                }
            }
        };
        ServerCall.Listener<Q> listener;
        try (Scope ignored = context.makeCurrent()) {
            listener = next.startCall(observed, headers);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                try (Scope ignored = context.makeCurrent()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onCancel();
                } finally {
                    if (ended.compareAndSet(false, true)) {
                        finish(method, Status.Code.CANCELLED, started, span);
                    }
                }
            }

            @Override
            public void onComplete() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onComplete();
                }
            }

            @Override
            public void onReady() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onReady();
                }
            }
        };
    }

    private void finish(String method, Status.Code code, long started, Span span) {
        Timer.builder("orisun.rpc")
                .description("gRPC calls by method and status code, from arrival to the closing status")
                .tag("method", method)
                .tag("status", code.name())
                .publishPercentileHistogram()
                .minimumExpectedValue(NodeMetrics.MIN_LATENCY).maximumExpectedValue(NodeMetrics.MAX_LATENCY)
                .register(registry)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        span.setAttribute("rpc.grpc.status_code", code.value());
        if (code != Status.Code.OK) {
            span.setStatus(StatusCode.ERROR, code.name());
        }
        span.end();
    }
}
