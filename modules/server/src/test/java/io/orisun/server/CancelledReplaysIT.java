package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Position;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many catch-up replays on one HTTP/2 connection, cancelled together while the server is still sending, round
 * after round, the way a client that stops its subscriptions at once does. Cancelling is the client's right: the
 * connection must carry on, with every other stream and every later call unaffected. Without the server's HTTP/2
 * settings and its {@code RepeatedResetFilter}, the first round ends the connection with {@code GOAWAY}: Helidon's
 * rapid-reset alarm, or a {@code PROTOCOL_ERROR} for a repeated reset of a stream Helidon had already forgotten.
 */
class CancelledReplaysIT {

    private static final String B = "orisun_test_1";
    private static final int EVENTS = 20_000;
    private static final int STREAMS = 128;
    private static final int ROUNDS = 5;
    private static final Position BEGINNING = EventTraffic.position(-1, -1);

    @Test
    void the_connection_survives_rounds_of_concurrent_replays_cancelled_together() throws Exception {
        try (TestServer node = TestServer.start(Map.of())) {
            EventTraffic traffic = new EventTraffic(node);
            traffic.save(B, "Filled", EVENTS / 1000, 1000, n -> "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(200) + "\"}");
            Connections connections = new Connections();
            List<Status> failures = new ArrayList<>();
            long delivered = 0;
            for (int round = 0; round < ROUNDS; round++) {
                List<Replay> replays = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) {
                    Replay replay = new Replay();
                    traffic.streams().withInterceptors(connections).catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder()
                            .setBoundary(B)
                            .setSubscriberName("replay-" + round + "-" + i)
                            .setAfterPosition(BEGINNING)
                            .build(), replay);
                    replays.add(replay);
                }
                // Every stream has started to deliver, and most are in the middle of their replay: the server is
                // writing on all of them when the cancels arrive.
                for (Replay replay : replays) {
                    assertThat(replay.started.await(60, TimeUnit.SECONDS)).as("round %d: a replay started", round)
                            .isTrue();
                }
                replays.forEach(Replay::cancel);
                for (Replay replay : replays) {
                    assertThat(replay.ended.await(60, TimeUnit.SECONDS)).as("round %d: a replay ended", round).isTrue();
                    replay.failure().filter(status -> status.getCode() != Status.Code.CANCELLED)
                            .ifPresent(failures::add);
                    delivered += replay.received.get();
                }
            }
            assertThat(failures).as("streams that failed other than by their own cancel").isEmpty();
            assertThat(delivered).as("events delivered before the cancels").isPositive();
            assertThat(node.eventStore().withInterceptors(connections).getEvents(GetEventsRequest.newBuilder().setBoundary(B)
                    .setAfterPosition(BEGINNING).setCount(10).build()).getEventsCount())
                    .as("a call on the same channel after the cancels").isEqualTo(10);
            assertThat(connections.seen).as("the connections the calls ran on").hasSize(1);
        }
    }

    /** Records the client's end of the connection each call ran on, as its response headers arrive. */
    private static final class Connections implements ClientInterceptor {

        private final Set<SocketAddress> seen = ConcurrentHashMap.newKeySet();

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    ClientCall<Q, R> call = this;
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata received) {
                            SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
                            if (local != null) {
                                seen.add(local);
                            }
                            super.onHeaders(received);
                        }
                    }, headers);
                }
            };
        }
    }

    /** One replay: counts what arrives, and records how it ended. */
    private static final class Replay implements ClientResponseObserver<CatchUpSubscribeToEventStoreRequest, Event> {

        private final AtomicLong received = new AtomicLong();
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch ended = new CountDownLatch(1);
        private final ConcurrentLinkedQueue<Status> failures = new ConcurrentLinkedQueue<>();
        private volatile ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(Event event) {
            if (received.incrementAndGet() == 100) {
                started.countDown();
            }
        }

        @Override
        public void onError(Throwable t) {
            failures.add(Status.fromThrowable(t));
            started.countDown();
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            started.countDown();
            ended.countDown();
        }

        void cancel() {
            call.cancel("the test is done with this replay", null);
        }

        Optional<Status> failure() {
            return Optional.ofNullable(failures.peek());
        }
    }

}
