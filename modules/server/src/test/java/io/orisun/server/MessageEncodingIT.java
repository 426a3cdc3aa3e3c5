package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventCountRequest;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.SaveEventsRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Responses are compressed only when their request is, as in Orisun: a client that merely accepts gzip gets none. */
class MessageEncodingIT {

    private static final Metadata.Key<String> ENCODING =
            Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    @SharedServer
    private static TestServer node;

    @Test
    void responses_are_not_compressed_even_when_the_client_accepts_gzip() {
        // grpc-java offers gzip in grpc-accept-encoding on every call; the answer must still be identity.
        List<String> encodings = new CopyOnWriteArrayList<>();
        node.eventStore().withInterceptors(responseEncodings(encodings)).saveEvents(SaveEventsRequest.newBuilder()
                .setBoundary("orisun_test_1")
                .addEvents(EventToSave.newBuilder().setEventId("plain-1").setEventType("Plain").setData("{\"k\":\"v\"}"))
                .build());
        node.eventStore().withInterceptors(responseEncodings(encodings))
                .getEvents(GetEventsRequest.newBuilder().setBoundary("orisun_test_1").setCount(10).build());

        assertThat(encodings).hasSize(2).allSatisfy(encoding -> assertThat(encoding).isIn("identity", null));
    }

    @Test
    void a_gzip_compressed_request_is_saved_and_answered_in_gzip() {
        List<String> encodings = new CopyOnWriteArrayList<>();
        long before = count();
        node.eventStore().withCompression("gzip").withInterceptors(responseEncodings(encodings))
                .saveEvents(SaveEventsRequest.newBuilder()
                        .setBoundary("orisun_test_1")
                        .addEvents(EventToSave.newBuilder().setEventId("gzip-1").setEventType("Zipped")
                                .setData("{\"k\":\"v\"}"))
                        .build());

        assertThat(count()).isEqualTo(before + 1);
        assertThat(encodings).containsExactly("gzip");
    }

    private static long count() {
        return node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary("orisun_test_1").build())
                .getCount();
    }

    /** Records the grpc-encoding header of each response. */
    private static ClientInterceptor responseEncodings(List<String> sink) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                       Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata responseHeaders) {
                                sink.add(responseHeaders.get(ENCODING));
                                super.onHeaders(responseHeaders);
                            }
                        }, headers);
                    }
                };
            }
        };
    }
}
