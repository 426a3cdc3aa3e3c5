package io.orisun.server;

import static io.orisun.server.EventTraffic.criterion;
import static io.orisun.server.EventTraffic.globalIds;
import static io.orisun.server.EventTraffic.position;
import static io.orisun.server.EventTraffic.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.PubSubMessage;
import io.orisun.proto.PublishToPubSubRequest;
import io.orisun.proto.Query;
import io.orisun.proto.SubscribeToPubSubRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CatchUpSubscribeToEvents and pub/sub through the gRPC API of one node. The tests share the node; each one tags
 * its events with its own {@code test} field and filters on it, or uses its own subscriber names and subjects.
 */
class SubscriptionIT {

    private static final String B = "orisun_test_1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @SharedServer
    private static TestServer node;
    private static EventTraffic traffic;

    @BeforeAll
    static void createTraffic(TestServer server) {
        traffic = new EventTraffic(server);
    }

    private static String tagged(String test, int n) {
        return "{\"test\": \"" + test + "\", \"n\": " + n + "}";
    }

    /**
     * Retries a live subscription under {@code name} until one stays open (the name is free again), and returns the
     * status codes of the refused attempts before it.
     */
    private static List<Status.Code> awaitNameFree(String name, Query query) {
        List<Status.Code> refusals = new ArrayList<>();
        StreamCollector.await("the name is free again", WAIT, () -> {
            var retry = traffic.subscribeLive(B, name, query);
            try {
                refusals.add(retry.awaitError(Duration.ofMillis(500)).getCode());
                return false;
            } catch (AssertionError stillOpen) {
                retry.cancel();
                return true;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        return refusals;
    }

    @Test
    void a_subscription_from_zero_replays_matching_events_first_then_delivers_live_ones() {
        Query query = query(criterion("eventType", "CatchUpFirst", "test", "replay"));
        traffic.save(B, "CatchUpFirst", 1, 2, n -> tagged("replay", n));
        traffic.save(B, "Other", 1, 2, n -> tagged("replay", n));
        var subscriber = traffic.subscribe(B, "replay", query, position(0, 0));
        subscriber.awaitCount(2, WAIT);
        traffic.save(B, "CatchUpFirst", 1, 1, n -> tagged("replay", 100));
        subscriber.awaitCount(3, WAIT);
        assertThat(subscriber.messages()).isEqualTo(traffic.all(B, query));
        assertThat(subscriber.messages()).extracting(Event::getEventType).containsOnly("CatchUpFirst");
        subscriber.cancel();
    }

    @Test
    void a_live_subscription_receives_only_events_saved_after_it_started() throws Exception {
        Query query = query(criterion("test", "live"));
        traffic.save(B, "Live", 2, 3, n -> tagged("live", n));
        var subscriber = traffic.subscribeLive(B, "live", query);
        traffic.awaitLive(B, subscriber, n -> tagged("live", 100 + n), WAIT);
        traffic.save(B, "Live", 1, 2, n -> tagged("live", 10 + n));
        List<Event> all = traffic.all(B, query);
        // From its first event on, a live subscription has everything, and nothing from before it started.
        int first = all.indexOf(subscriber.messages().getFirst());
        assertThat(first).as("the first event delivered comes after the six saved before").isGreaterThanOrEqualTo(6);
        subscriber.awaitCount(all.size() - first, WAIT);
        assertThat(subscriber.messages()).isEqualTo(all.subList(first, all.size()));
        assertThat(subscriber.messages().getLast()).isEqualTo(all.getLast());
        subscriber.cancel();
    }

    @Test
    void replay_and_live_delivery_filter_numbers_booleans_and_nulls_alike() {
        Query query = query(criterion("test", "filter", "amount", "1.50"), criterion("test", "filter", "flag", "true"));
        String[] payloads = {
                "{\"test\": \"filter\", \"amount\": 1.50}", "{\"test\": \"filter\", \"amount\": 1.5}",
                "{\"test\": \"filter\", \"amount\": \"1.50\"}", "{\"test\": \"filter\", \"amount\": 150e-2}",
                "{\"test\": \"filter\", \"flag\": true}", "{\"test\": \"filter\", \"flag\": \"true\"}",
                "{\"test\": \"filter\", \"flag\": null}", "{\"test\": \"filter\", \"flag\": false}"};
        traffic.save(B, "Filtered", 1, payloads.length, n -> payloads[n]);
        var subscriber = traffic.subscribe(B, "filter", query, position(-1, -1));
        subscriber.awaitCount(5, WAIT);
        traffic.save(B, "Filtered", 1, payloads.length, n -> payloads[n]);
        subscriber.awaitCount(10, WAIT);
        List<Event> expected = traffic.all(B, query);
        assertThat(expected).hasSize(10);
        assertThat(subscriber.messages()).isEqualTo(expected);
        subscriber.cancel();
    }

    @Test
    void the_seam_between_replay_and_live_loses_and_repeats_nothing_while_writers_keep_saving() throws Exception {
        Query query = query(criterion("test", "seam"));
        traffic.save(B, "Seam", 50, 10, n -> tagged("seam", n));
        int writers = 3;
        CyclicBarrier go = new CyclicBarrier(writers + 1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    traffic.save(B, "Seam", 100, 5, n -> tagged("seam", n));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.await();
        var subscriber = traffic.subscribe(B, "seam", query, position(-1, -1));
        for (Thread thread : threads) {
            thread.join();
        }
        subscriber.awaitCount(500 + writers * 500, WAIT);
        List<Event> expected = traffic.all(B, query);
        assertThat(expected).hasSize(500 + writers * 500);
        assertThat(globalIds(subscriber.messages())).isEqualTo(globalIds(expected));
        subscriber.cancel();
    }

    @Test
    void a_second_subscriber_with_the_same_name_gets_already_exists_until_the_first_disconnects() throws Exception {
        Query query = query(criterion("test", "names"));
        var first = traffic.subscribe(B, "names", query, position(-1, -1));
        traffic.save(B, "Names", 1, 1, n -> tagged("names", n));
        first.awaitCount(1, WAIT);

        var second = traffic.subscribeLive(B, "names", query);
        assertThat(second.awaitError(WAIT).getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        var otherBoundary = traffic.subscribeLive("orisun_test_2", "names", query);

        first.cancel();
        List<Status.Code> attempts = awaitNameFree("names", query);
        assertThat(attempts).as("refusals while the first stream was ending")
                .allMatch(code -> code == Status.Code.ALREADY_EXISTS);
        otherBoundary.cancel();
    }

    @Test
    void a_client_that_disconnects_without_cancelling_frees_its_name_once_the_stream_has_something_to_send()
            throws Exception {
        Query query = query(criterion("test", "vanishing"));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.server().grpcPort()).usePlaintext()
                .build();
        StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> vanishing = StreamCollector.reading();
        EventStoreGrpc.newStub(channel).withInterceptors(TestServer.basicAuth("admin", "changeit"))
                .catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder().setBoundary(B)
                        .setSubscriberName("vanishing").setQuery(query).setAfterPosition(position(-1, -1)).build(),
                        vanishing);
        traffic.save(B, "Vanishing", 1, 1, n -> tagged("vanishing", n));
        vanishing.awaitCount(1, WAIT);
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);

        // The server learns of the lost connection when it next writes to the stream.
        traffic.save(B, "Vanishing", 1, 1, n -> tagged("vanishing", n));
        awaitNameFree("vanishing", query);
    }

    @Test
    void bad_requests_are_refused_with_the_matching_status() throws Exception {
        Query all = Query.getDefaultInstance();
        assertThat(traffic.subscribeLive("no_such_boundary", "x", all).awaitError(WAIT).getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(traffic.subscribeLive(B, "", all).awaitError(WAIT).getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(traffic.subscribeLive("bad name!", "x", all).awaitError(WAIT).getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void pub_sub_delivers_to_subscribers_and_shares_messages_within_a_consumer_group() throws Exception {
        StreamCollector<SubscribeToPubSubRequest, PubSubMessage> plain = StreamCollector.reading();
        StreamCollector<SubscribeToPubSubRequest, PubSubMessage> wildcard = StreamCollector.reading();
        StreamCollector<SubscribeToPubSubRequest, PubSubMessage> groupA = StreamCollector.reading();
        StreamCollector<SubscribeToPubSubRequest, PubSubMessage> groupB = StreamCollector.reading();
        traffic.streams().subscribeToPubSub(pubSubRequest("alerts.disk", ""), plain);
        traffic.streams().subscribeToPubSub(pubSubRequest("alerts.*", ""), wildcard);
        traffic.streams().subscribeToPubSub(pubSubRequest("alerts.disk", "workers"), groupA);
        traffic.streams().subscribeToPubSub(pubSubRequest("alerts.disk", "workers"), groupB);
        // Core NATS delivers only to subscriptions that exist when a message is published.
        StreamCollector.await("the subscriptions are registered", WAIT, () -> {
            node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder().setSubject("alerts.disk")
                    .setData("probe").build());
            return plain.count() > 0 && wildcard.count() > 0 && groupA.count() + groupB.count() > 0;
        });
        for (int i = 0; i < 20; i++) {
            node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder().setSubject("alerts.disk")
                    .setData("message " + i).setMetadata("{\"i\": " + i + "}").build());
        }
        // A closing message after the twenty, until every subscriber has one: core NATS keeps one publisher's order
        // on each subscription, so a subscriber with the closing message has had everything meant for it.
        StreamCollector.await("every subscriber has a closing message", WAIT, () -> {
            if (Stream.of(plain, wildcard, groupA, groupB).anyMatch(c -> !c.messages().stream()
                    .map(PubSubMessage::getData).toList().contains("closing"))) {
                node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder().setSubject("alerts.disk")
                        .setData("closing").build());
                return false;
            }
            return true;
        });
        List<String> expected = IntStream.range(0, 20).mapToObj(i -> "message " + i).toList();
        assertThat(data(plain)).isEqualTo(expected);
        assertThat(data(wildcard)).isEqualTo(expected);
        List<String> group = new ArrayList<>(data(groupA));
        group.addAll(data(groupB));
        assertThat(group).as("each message once to the group").containsExactlyInAnyOrderElementsOf(expected);
        PubSubMessage last = plain.messages().stream().filter(m -> !m.getData().equals("closing")).toList().getLast();
        assertThat(last.getSubject()).isEqualTo("alerts.disk");
        assertThat(last.getData()).isEqualTo("message 19");
        assertThat(last.getMetadata()).isEqualTo("{\"i\": 19}");
        assertThat(last.hasPublishedAt()).isTrue();
        for (var collector : List.of(plain, wildcard, groupA, groupB)) {
            collector.cancel();
        }
    }

    @Test
    void pub_sub_refuses_malformed_subjects_and_wildcards_when_publishing_and_never_reaches_event_streams()
            throws Exception {
        for (String subject : List.of("alerts.*", "alerts.>", "a..b", "a b", "")) {
            assertThatThrownBy(() -> node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder()
                    .setSubject(subject).setData("x").build()))
                    .as(subject)
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
        StreamCollector<SubscribeToPubSubRequest, PubSubMessage> bad = StreamCollector.reading();
        traffic.streams().subscribeToPubSub(pubSubRequest("ORISUN_EVENTS___orisun_test_1.>", ""), bad);
        // A valid subject, but under the pub/sub prefix: it sees no event messages, and what is published to it
        // reaches no event subscriber.
        var events = traffic.subscribeLive(B, "isolation", query(criterion("test", "isolation")));
        // Core NATS delivers only to subscriptions that exist when a message is published, and the pub/sub stream
        // answers before its subscription is registered: publish until the first message arrives.
        StreamCollector.await("the pub/sub subscription receives", WAIT, () -> {
            node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder()
                    .setSubject("ORISUN_EVENTS___orisun_test_1.events.log").setData("{\"test\": \"isolation\"}").build());
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return !bad.messages().isEmpty();
        });
        traffic.save(B, "Isolated", 1, 1, n -> tagged("isolation", n));
        events.awaitCount(1, WAIT);
        // Closing marks on both sides: a pub/sub message after the event, and an event after the pub/sub messages.
        // Each stream is in order, so once its mark arrives nothing sent before it can still come.
        node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder()
                .setSubject("ORISUN_EVENTS___orisun_test_1.events.log").setData("closing").build());
        traffic.save(B, "Closing", 1, 1, n -> tagged("isolation", n));
        StreamCollector.await("both closing marks arrive", WAIT, () -> bad.messages().stream()
                .anyMatch(m -> m.getData().equals("closing")) && events.count() >= 2);
        assertThat(bad.messages()).as("pub/sub messages, never events").extracting(PubSubMessage::getData)
                .isNotEmpty().allMatch(data -> data.equals("{\"test\": \"isolation\"}") || data.equals("closing"));
        assertThat(events.messages()).extracting(Event::getEventType).containsExactly("Isolated", "Closing");
        bad.cancel();
        events.cancel();
    }

    /** The data of the messages other than the probes and the closing messages. */
    private static List<String> data(StreamCollector<SubscribeToPubSubRequest, PubSubMessage> collector) {
        return collector.messages().stream().map(PubSubMessage::getData)
                .filter(d -> !d.equals("probe") && !d.equals("closing")).toList();
    }

    private static SubscribeToPubSubRequest pubSubRequest(String subject, String consumer) {
        return SubscribeToPubSubRequest.newBuilder().setSubject(subject).setConsumerName(consumer).build();
    }

    @Test
    void many_subscribers_on_one_boundary_share_one_feed_and_each_gets_its_own_events() {
        List<StreamCollector<CatchUpSubscribeToEventStoreRequest, Event>> subscribers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            subscribers.add(traffic.subscribe(B, "many-" + i, query(criterion("test", "many", "bucket", "" + (i % 4))),
                    Optional.of(position(-1, -1)), false));
        }
        traffic.save(B, "Many", 10, 10, n -> "{\"test\": \"many\", \"bucket\": " + (n % 4) + "}");
        for (int i = 0; i < subscribers.size(); i++) {
            var subscriber = subscribers.get(i);
            subscriber.awaitCount(25, WAIT);
            assertThat(subscriber.messages())
                    .isEqualTo(traffic.all(B, query(criterion("test", "many", "bucket", "" + (i % 4)))));
            subscriber.cancel();
        }
    }
}
