package io.orisun.server;

import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;

/** Saves, reads and subscribes through a node's gRPC API, for the delivery tests. */
final class EventTraffic {

    private final TestServer node;

    EventTraffic(TestServer node) {
        this.node = node;
    }

    /** A stub without a deadline, for streams that outlive the default one. */
    EventStoreGrpc.EventStoreStub streams() {
        return EventStoreGrpc.newStub(node.channel()).withInterceptors(TestServer.basicAuth("admin", "changeit"));
    }

    static Query query(Criterion... criteria) {
        return Query.newBuilder().addAllCriteria(List.of(criteria)).build();
    }

    static Criterion criterion(String... keysAndValues) {
        Criterion.Builder criterion = Criterion.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            criterion.addTags(Tag.newBuilder().setKey(keysAndValues[i]).setValue(keysAndValues[i + 1]));
        }
        return criterion.build();
    }

    static Position position(long transactionId, long globalId) {
        return Position.newBuilder().setTransactionId(transactionId).setGlobalId(globalId).build();
    }

    /** Subscribes to the events after {@code after}. */
    StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> subscribe(String boundary, String name, Query query,
                                                                           Position after) {
        return subscribe(boundary, name, query, Optional.of(after), false);
    }

    /** Subscribes to the events committed from now on. */
    StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> subscribeLive(String boundary, String name, Query query) {
        return subscribe(boundary, name, query, Optional.empty(), false);
    }

    StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> subscribe(String boundary, String name, Query query,
                                                                           Optional<Position> after, boolean paused) {
        CatchUpSubscribeToEventStoreRequest.Builder request = CatchUpSubscribeToEventStoreRequest.newBuilder()
                .setBoundary(boundary)
                .setSubscriberName(name)
                .setQuery(query);
        after.ifPresent(request::setAfterPosition);
        StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> collector =
                paused ? StreamCollector.paused() : StreamCollector.reading();
        streams().catchUpSubscribeToEvents(request.build(), collector);
        return collector;
    }

    /** Saves {@code saves} saves of {@code perSave} events of {@code type}; {@code data} gets a running number. */
    void save(String boundary, String type, int saves, int perSave, IntFunction<String> data) {
        int n = 0;
        for (int s = 0; s < saves; s++) {
            SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(boundary);
            for (int i = 0; i < perSave; i++, n++) {
                request.addEvents(EventToSave.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setEventType(type)
                        .setData(data.apply(n))
                        .setMetadata("{}"));
            }
            node.eventStore().saveEvents(request.build());
        }
    }

    /**
     * Saves one probe event at a time ({@code data} gets a running number) until {@code subscriber} has received its
     * first event: the signal that its subscription is live, since the client cannot otherwise see when the server
     * has registered it. The probes must match the subscriber's query.
     */
    void awaitLive(String boundary, StreamCollector<?, Event> subscriber, IntFunction<String> data, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int probe = 0; subscriber.count() == 0; probe++) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the subscription did not go live within " + timeout);
            }
            int n = probe;
            save(boundary, "Probe", 1, 1, i -> data.apply(n));
            long waitUntil = System.nanoTime() + Duration.ofMillis(200).toNanos();
            while (subscriber.count() == 0 && System.nanoTime() < waitUntil) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Every event of the boundary matching {@code query}, from the log, in position order. */
    List<Event> all(String boundary, Query query) {
        List<Event> events = new ArrayList<>();
        Position after = position(-1, -1);
        while (true) {
            List<Event> page = node.eventStore().getEvents(GetEventsRequest.newBuilder()
                    .setBoundary(boundary)
                    .setQuery(query)
                    .setAfterPosition(after)
                    .setCount(10_000)
                    .build()).getEventsList();
            events.addAll(page);
            if (page.size() < 10_000) {
                return events;
            }
            after = page.getLast().getPosition();
        }
    }

    static List<Long> globalIds(List<Event> events) {
        return events.stream().map(e -> e.getPosition().getGlobalId()).toList();
    }
}
