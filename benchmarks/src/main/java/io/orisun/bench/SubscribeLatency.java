package io.orisun.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.Event;
import io.orisun.proto.EventToSave;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.Tag;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code subscribe-latency} scenario: one live subscriber to a context of its own, while N clients save
 * one-event requests into that context at {@code --subscribe-rate} events/s in total (or as fast as they can).
 * Each event's id carries the moment its save was sent, so the subscriber measures save-to-delivery time: an upper
 * bound of commit-to-delivery that includes the save's own round trip.
 */
final class SubscribeLatency {

    private static final Duration READY_WAIT = Duration.ofSeconds(20);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

    private SubscribeLatency() {
    }

    /**
     * Runs the scenario at one concurrency.
     *
     * @return empty, with the reason printed, when the server does not implement subscriptions or the subscription
     *         never became live
     */
    static Optional<ResultRow> run(ServerConnection server, LoadOptions options, Payload payload, String runId,
                                   int clients) throws Exception {
        Scenario scenario = new Scenario(Scenario.Kind.SUBSCRIBE_LATENCY, 1);
        String context = "lat-" + runId + "-" + clients;
        Subscriber subscriber = new Subscriber(context);
        server.eventStoreAsync().catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder()
                .setBoundary(options.boundary())
                .setSubscriberName("orisun-bench-" + runId + "-" + clients)
                .setQuery(Query.newBuilder().addCriteria(Criterion.newBuilder()
                        .addTags(Tag.newBuilder().setKey(Payload.CONTEXT_KEY).setValue(context))))
                .build(), subscriber);
        try {
            if (!awaitLive(server, options.boundary(), payload, context, subscriber)) {
                return Optional.empty();
            }
            long intervalNanos = options.subscribeRate() == 0 ? 0 : Math.round(clients * 1e9 / options.subscribeRate());
            Tally.Totals saves = ClosedLoop.run(scenario.name() + " x" + clients, clients, options.warmup(),
                    options.duration(), client -> new PacedWriter(server, options.boundary(), payload, context, client,
                            intervalNanos), subscriber);
            Tally.Totals delivery = subscriber.measured.get().totals(saves.seconds());
            if (subscriber.failure.get() != null) {
                System.err.println("the subscription ended early: " + subscriber.failure.get());
            }
            return Optional.of(new ResultRow(scenario, clients, saves, Optional.empty(), 0, Optional.empty(),
                    Optional.of(delivery)));
        } finally {
            subscriber.cancel();
        }
    }

    /** Saves probe events until the subscriber sees one: only then is it live, since it asked for new events only. */
    private static boolean awaitLive(ServerConnection server, String boundary, Payload payload, String context,
                                     Subscriber subscriber) throws InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        for (int probe = 0; System.nanoTime() < deadline; probe++) {
            if (subscriber.ended.await(0, TimeUnit.MILLISECONDS)) {
                break;
            }
            try {
                server.eventStore().saveEvents(save(boundary, payload, context,
                        context + ":probe:" + probe + ":" + System.nanoTime()));
            } catch (StatusRuntimeException e) {
                System.err.println("subscribe-latency: a probe save failed: " + e.getMessage());
            }
            if (subscriber.live.await(PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        Throwable failure = subscriber.failure.get();
        if (failure != null && Status.fromThrowable(failure).getCode() == Status.Code.UNIMPLEMENTED) {
            System.err.println("subscribe-latency skipped: the server does not implement CatchUpSubscribeToEvents");
        } else if (failure != null) {
            System.err.println("subscribe-latency skipped: the subscription failed: " + failure);
        } else {
            System.err.println("subscribe-latency skipped: no probe event arrived within " + READY_WAIT.toSeconds() + " s");
        }
        return false;
    }

    /** An unconditional save of one event of {@code context} with the given id. */
    private static SaveEventsRequest save(String boundary, Payload payload, String context, String eventId) {
        return SaveEventsRequest.newBuilder()
                .setBoundary(boundary)
                .addEvents(EventToSave.newBuilder()
                        .setEventId(eventId)
                        .setEventType(Payload.EVENT_TYPE)
                        .setData(payload.data(context))
                        .setMetadata(Payload.METADATA))
                .build();
    }

    /** Receives the context's events and records, for each, the time since its save was sent. */
    private static final class Subscriber
            implements ClientResponseObserver<CatchUpSubscribeToEventStoreRequest, Event>, ClosedLoop.Window {

        private final String probePrefix;
        final CountDownLatch live = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicReference<Tally> measured = new AtomicReference<>(new Tally());
        private volatile Tally current = new Tally();
        private volatile ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> call;

        Subscriber(String context) {
            this.probePrefix = context + ":probe:";
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> requestStream) {
            this.call = requestStream;
        }

        @Override
        public void onNext(Event event) {
            long received = System.nanoTime();
            String id = event.getEventId();
            if (id.startsWith(probePrefix)) {
                live.countDown();
                return;
            }
            int colon = id.lastIndexOf(':');
            if (colon > 0) {
                current.success(1, received - Long.parseLong(id, colon + 1, id.length(), 10));
            }
        }

        @Override
        public void onError(Throwable t) {
            failure.compareAndSet(null, t);
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            ended.countDown();
        }

        @Override
        public void opened() {
            Tally window = new Tally();
            measured.set(window);
            current = window;
        }

        @Override
        public void closed() {
            current = new Tally();
        }

        void cancel() {
            ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> started = call;
            if (started != null && ended.getCount() > 0) {
                started.cancel("the benchmark is over", null);
            }
        }
    }

    /** A client saving one event per call into the subscribed context, on a fixed schedule when a rate is set. */
    private static final class PacedWriter implements ClosedLoop.Client {

        private final ServerConnection server;
        private final String boundary;
        private final Payload payload;
        private final String idPrefix;
        private final String context;
        private final long intervalNanos;
        private long start;

        PacedWriter(ServerConnection server, String boundary, Payload payload, String context, int client,
                    long intervalNanos) {
            this.server = server;
            this.boundary = boundary;
            this.payload = payload;
            this.context = context;
            this.idPrefix = context + ":" + client + ":";
            this.intervalNanos = intervalNanos;
        }

        @Override
        public void pace(long iteration) {
            if (intervalNanos == 0) {
                return;
            }
            long now = System.nanoTime();
            if (iteration == 0) {
                // Spread the clients' schedules over one interval instead of sending in lockstep.
                start = now + ThreadLocalRandom.current().nextLong(intervalNanos);
            }
            long due = start + iteration * intervalNanos;
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
        }

        @Override
        public int call(long iteration) {
            server.eventStore().saveEvents(save(boundary, payload, context, idPrefix + iteration + ":" + System.nanoTime()));
            return 1;
        }
    }
}
