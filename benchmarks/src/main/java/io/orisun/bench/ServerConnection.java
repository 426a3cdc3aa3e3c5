package io.orisun.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.orisun.proto.AdminGrpc;
import io.orisun.proto.EventStoreGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext HTTP/2 connection to the server, shared by every client of a run, as a real application would share
 * its channel. Calls authenticate the way Orisun's own clients do: Basic credentials until the server hands out an
 * {@code x-auth-token}, then that token.
 */
final class ServerConnection implements AutoCloseable {

    /** Generous, so that a slow server shows as latency rather than as errors; still ends a hung call. */
    static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final ManagedChannel channel;

    ServerConnection(String target, String user, String password) {
        this.channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .intercept(new SessionAuth(user, password))
                .build();
    }

    /** A blocking event-store stub whose call ends after {@link #CALL_DEADLINE}; make one per call. */
    EventStoreGrpc.EventStoreBlockingStub eventStore() {
        return EventStoreGrpc.newBlockingStub(channel)
                .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    EventStoreGrpc.EventStoreStub eventStoreAsync() {
        return EventStoreGrpc.newStub(channel);
    }

    /** The authenticating channel, for calls that need their own method descriptor. */
    Channel channel() {
        return channel;
    }

    AdminGrpc.AdminBlockingStub admin(Duration deadline) {
        return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets calls in flight finish for up to five seconds, then cancels them. */
    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Sends Basic credentials until a session token arrives, then the token; drops a token the server refuses. */
    private static final class SessionAuth implements ClientInterceptor {

        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        private static final Metadata.Key<String> TOKEN =
                Metadata.Key.of("x-auth-token", Metadata.ASCII_STRING_MARSHALLER);

        private final String basic;
        private volatile String token;

        SessionAuth(String user, String password) {
            this.basic = "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    String sent = token;
                    if (sent != null) {
                        headers.put(TOKEN, sent);
                    } else {
                        headers.put(AUTHORIZATION, basic);
                    }
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata received) {
                            remember(received);
                            super.onHeaders(received);
                        }

                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            if (status.getCode() == Status.Code.UNAUTHENTICATED && sent != null) {
                                forget(sent);
                            } else {
                                remember(trailers);
                            }
                            super.onClose(status, trailers);
                        }
                    }, headers);
                }
            };
        }

        private void remember(Metadata metadata) {
            String received = metadata.get(TOKEN);
            if (received != null && !received.equals(token)) {
                token = received;
            }
        }

        private synchronized void forget(String refused) {
            if (refused.equals(token)) {
                token = null;
            }
        }
    }
}
