package io.orisun.transport;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Makes server reflection's {@code ListServices} answer name each service once.
 *
 * <p>Helidon 4.5's reflection services ({@code GrpcReflectionService} and its v1alpha twin) add one entry per
 * <em>route</em>, and every method of a service is a route of its own, so {@code grpcurl list} printed
 * {@code orisun.EventStore} once per method. This interceptor rewrites only the list-services answers of the two
 * reflection methods, keeping the first occurrence of each name in order; every other call passes untouched.
 * Retire it when Helidon lists services rather than routes (see {@code docs/contributors/helidon-workarounds.md}).
 */
public final class ReflectionServiceList implements ServerInterceptor {

    private static final String V1 = io.grpc.reflection.v1.ServerReflectionGrpc.getServerReflectionInfoMethod()
            .getFullMethodName();
    private static final String V1_ALPHA = io.grpc.reflection.v1alpha.ServerReflectionGrpc
            .getServerReflectionInfoMethod().getFullMethodName();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!method.equals(V1) && !method.equals(V1_ALPHA)) {
            return next.startCall(call, headers);
        }
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            @SuppressWarnings("unchecked")
            public void sendMessage(R message) {
                super.sendMessage((R) distinct(message));
            }
        }, headers);
    }

    /** The same response, with each listed service name once; any other response unchanged. */
    static Object distinct(Object response) {
        return switch (response) {
            case io.grpc.reflection.v1.ServerReflectionResponse v1 when v1.hasListServicesResponse() -> {
                Set<String> seen = new LinkedHashSet<>();
                var list = io.grpc.reflection.v1.ListServiceResponse.newBuilder();
                v1.getListServicesResponse().getServiceList().stream()
                        .filter(service -> seen.add(service.getName()))
                        .forEach(list::addService);
                yield v1.toBuilder().setListServicesResponse(list).build();
            }
            case io.grpc.reflection.v1alpha.ServerReflectionResponse alpha when alpha.hasListServicesResponse() -> {
                Set<String> seen = new LinkedHashSet<>();
                var list = io.grpc.reflection.v1alpha.ListServiceResponse.newBuilder();
                alpha.getListServicesResponse().getServiceList().stream()
                        .filter(service -> seen.add(service.getName()))
                        .forEach(list::addService);
                yield alpha.toBuilder().setListServicesResponse(list).build();
            }
            default -> response;
        };
    }
}
