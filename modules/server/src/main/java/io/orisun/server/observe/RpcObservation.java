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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Measures and traces every RPC: a timer {@code orisun.rpc} per method and status code (the count, the latency
 * histogram), and a server span named after the full method, which is the current span while the handler runs so
 * that the event log's spans become its children; the context also carries the call's {@link CallClock}, for the
 * save's stage timers. It runs outermost, so rejected calls (authentication, size limits) are counted with their
 * status too. The timers are looked up once per method and status and then kept, so a call does not build a meter
 * id and search the registry for it.
 */
public final class RpcObservation implements ServerInterceptor {

    private final MeterRegistry registry;
    private final Tracer tracer;
    private final Map<String, MethodTimers> timers = new ConcurrentHashMap<>();

    public RpcObservation(MeterRegistry registry, Tracer tracer) {
        this.registry = registry;
        this.tracer = tracer;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                         ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        MethodTimers methodTimers = timers.computeIfAbsent(method, MethodTimers::new);
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
                    finish(methodTimers, status.getCode(), started, span);
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
                        finish(methodTimers, Status.Code.CANCELLED, started, span);
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

    private static void finish(MethodTimers methodTimers, Status.Code code, long started, Span span) {
        methodTimers.of(code).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        span.setAttribute("rpc.grpc.status_code", code.value());
        if (code != Status.Code.OK) {
            span.setStatus(StatusCode.ERROR, code.name());
        }
        span.end();
    }

    /** The timers of one method, by status code, each registered on its first use. */
    private final class MethodTimers {
        private final String method;
        private final AtomicReferenceArray<Timer> byCode = new AtomicReferenceArray<>(Status.Code.values().length);

        MethodTimers(String method) {
            this.method = method;
        }

        Timer of(Status.Code code) {
            Timer timer = byCode.get(code.ordinal());
            if (timer == null) {
                // Registering twice is harmless: the registry answers the same timer for the same id.
                timer = Timer.builder("orisun.rpc")
                        .description("gRPC calls by method and status code, from arrival to the closing status")
                        .tag("method", method)
                        .tag("status", code.name())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(NodeMetrics.MIN_LATENCY).maximumExpectedValue(NodeMetrics.MAX_LATENCY)
                        .register(registry);
                byCode.set(code.ordinal(), timer);
            }
            return timer;
        }
    }
}
