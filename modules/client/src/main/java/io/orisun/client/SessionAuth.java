package io.orisun.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Authenticates every call: with the session token the server last returned ({@code x-auth-token}) when there is
 * one, otherwise with Basic credentials. Every response's token (in its headers or trailers) replaces the one held,
 * so a client that keeps calling keeps the freshest token. {@link #forget} drops a token that the server no longer
 * accepts, and the next call logs in with Basic again.
 */
final class SessionAuth implements ClientInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> AUTH_TOKEN =
            Metadata.Key.of("x-auth-token", Metadata.ASCII_STRING_MARSHALLER);

    private final String basic;
    private final AtomicReference<String> token = new AtomicReference<>();

    SessionAuth(String username, String password) {
        this.basic = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The token the next call sends, if any. */
    Optional<String> token() {
        return Optional.ofNullable(token.get());
    }

    /** Drops {@code rejected} if it is still the token held; a newer token stays. */
    void forget(String rejected) {
        token.compareAndSet(rejected, null);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                String current = token.get();
                if (current != null) {
                    headers.put(AUTH_TOKEN, current);
                } else {
                    headers.put(AUTHORIZATION, basic);
                }
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onHeaders(Metadata responseHeaders) {
                        keep(responseHeaders);
                        super.onHeaders(responseHeaders);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (status.getCode() != Status.Code.UNAUTHENTICATED) {
                            keep(trailers);
                        }
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }

    private void keep(Metadata metadata) {
        String fresh = metadata.get(AUTH_TOKEN);
        if (fresh != null && !fresh.isBlank()) {
            token.set(fresh);
        }
    }

    @Override
    public String toString() {
        return "SessionAuth[" + (token.get() == null ? "no token" : "token held") + "]";
    }
}
