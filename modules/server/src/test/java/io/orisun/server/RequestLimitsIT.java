package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.orisun.api.RequestLimits;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventCountRequest;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetLatestByCriteriaRequest;
import io.orisun.proto.IndexCondition;
import io.orisun.proto.IndexField;
import io.orisun.proto.Position;
import io.orisun.proto.PublishToPubSubRequest;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;
import io.orisun.proto.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The request limits at their defaults, through a real gRPC client: a request exactly at a limit is served, one
 * step over it is refused with {@code INVALID_ARGUMENT} naming the limit, its value and its setting, before any SQL
 * runs. The live matcher of a subscription with the largest filter the limits allow stays cheap for everyone else.
 */
class RequestLimitsIT {

    private static final String BOUNDARY = "orisun_test_1";
    private static final String LIVE_BOUNDARY = "orisun_test_2";
    /** Holds only the events of the read at the criteria limit, so that its cost does not depend on the other tests. */
    private static final String READ_BOUNDARY = "limits_read";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RequestLimits LIMITS = RequestLimits.DEFAULTS;

    @SharedServer(environment = "ORISUN_PG_SCHEMAS="
            + "orisun_test_1:public,orisun_test_2:test2,limits_read:limits_read,orisun_admin:admin")
    private static TestServer node;

    private static Tag tag(String key, String value) {
        return Tag.newBuilder().setKey(key).setValue(value).build();
    }

    private static Criterion criterion(Tag... tags) {
        return Criterion.newBuilder().addAllTags(List.of(tags)).build();
    }

    private static Criterion criterionOf(int tags, IntFunction<Tag> tag) {
        Criterion.Builder criterion = Criterion.newBuilder();
        for (int i = 0; i < tags; i++) {
            criterion.addTags(tag.apply(i));
        }
        return criterion.build();
    }

    private static Query queryOf(int criteria) {
        Query.Builder query = Query.newBuilder();
        for (int i = 0; i < criteria; i++) {
            query.addCriteria(criterion(tag("limit_test", "value-" + i)));
        }
        return query.build();
    }

    private static GetEventsRequest read(Query query) {
        return GetEventsRequest.newBuilder().setBoundary(BOUNDARY).setQuery(query).setCount(10).build();
    }

    private static EventToSave event(String data, String metadata) {
        return EventToSave.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType("LimitTest")
                .setData(data).setMetadata(metadata).build();
    }

    /** A JSON object of exactly {@code bytes} UTF-8 bytes. */
    private static String jsonOfBytes(int bytes) {
        String frame = "{\"b\":\"\"}";
        return "{\"b\":\"" + "x".repeat(bytes - frame.length()) + "\"}";
    }

    private static long count() {
        return node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary(BOUNDARY).build()).getCount();
    }

    private static void assertRefused(Runnable call, String message) {
        Status status = ClientAuth.status(call);
        assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo(message);
    }

    private static void assertServed(Runnable call) {
        Status status = ClientAuth.status(call);
        assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.OK);
    }

    @Test
    void a_save_whose_condition_has_one_criterion_too_many_is_refused_and_writes_nothing() {
        long before = count();
        SaveEventsRequest save = SaveEventsRequest.newBuilder().setBoundary(BOUNDARY)
                .setQuery(SaveQuery.newBuilder().setSubsetQuery(queryOf(LIMITS.criteria() + 1))
                        .setExpectedPosition(Position.newBuilder().setTransactionId(-1).setGlobalId(-1)))
                .addEvents(event("{}", "{}")).build();
        assertRefused(() -> node.eventStore().saveEvents(save),
                "query has 1025 criteria; the limit is 1024 (ORISUN_LIMIT_CRITERIA)");
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void reads_take_exactly_the_maximum_number_of_criteria_and_refuse_one_more() {
        node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(READ_BOUNDARY)
                .addEvents(event("{\"limit_test\": \"value-0\"}", "{}"))
                .addEvents(event("{\"limit_test\": \"value-1023\"}", "{}"))
                .addEvents(event("{\"limit_test\": \"value-1024\"}", "{}")).build());
        GetEventsRequest atLimit = GetEventsRequest.newBuilder().setBoundary(READ_BOUNDARY)
                .setQuery(queryOf(LIMITS.criteria())).setCount(10).build();
        assertThat(node.eventStore().getEvents(atLimit).getEventsList()).extracting(Event::getData)
                .containsExactly("{\"limit_test\": \"value-0\"}", "{\"limit_test\": \"value-1023\"}");
        assertRefused(() -> node.eventStore().getEvents(read(queryOf(LIMITS.criteria() + 1))),
                "query has 1025 criteria; the limit is 1024 (ORISUN_LIMIT_CRITERIA)");
        GetLatestByCriteriaRequest latest = GetLatestByCriteriaRequest.newBuilder().setBoundary(BOUNDARY)
                .addAllCriteria(queryOf(LIMITS.criteria() + 1).getCriteriaList()).build();
        assertRefused(() -> node.eventStore().getLatestByCriteria(latest),
                "query has 1025 criteria; the limit is 1024 (ORISUN_LIMIT_CRITERIA)");
    }

    @Test
    void a_subscription_whose_filter_is_over_a_limit_is_refused_when_it_is_created() throws Exception {
        StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> refused = StreamCollector.reading();
        EventStoreGrpc.newStub(node.channel()).withInterceptors(TestServer.basicAuth("admin", "changeit"))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder().setBoundary(BOUNDARY)
                        .setSubscriberName("too-wide").setQuery(Query.newBuilder()
                                .addCriteria(criterionOf(LIMITS.tagsPerCriterion() + 1, i -> tag("k" + i, "v"))))
                        .build(), refused);
        Status status = refused.awaitError(WAIT);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("criteria[0] has 33 tags; the limit is 32 (ORISUN_LIMIT_TAGS)");
    }

    @Test
    void a_criterion_takes_exactly_the_maximum_number_of_tags_and_refuses_one_more() {
        assertServed(() -> node.eventStore().getEvents(read(Query.newBuilder()
                .addCriteria(criterionOf(LIMITS.tagsPerCriterion(), i -> tag("k" + i, "v"))).build())));
        assertRefused(() -> node.eventStore().getEvents(read(Query.newBuilder()
                        .addCriteria(criterion(tag("a", "1")))
                        .addCriteria(criterionOf(LIMITS.tagsPerCriterion() + 1, i -> tag("k" + i, "v"))).build())),
                "criteria[1] has 33 tags; the limit is 32 (ORISUN_LIMIT_TAGS)");
    }

    @Test
    void a_tag_key_of_exactly_the_maximum_length_is_served_and_one_character_more_is_refused() {
        assertServed(() -> node.eventStore().getEvents(read(Query.newBuilder()
                .addCriteria(criterion(tag("k".repeat(LIMITS.tagKeyLength()), "v"))).build())));
        assertRefused(() -> node.eventStore().getEvents(read(Query.newBuilder()
                        .addCriteria(criterion(tag("k".repeat(LIMITS.tagKeyLength() + 1), "v"))).build())),
                "criteria[0].tags[0] has a key of 257 characters; the limit is 256 (ORISUN_LIMIT_TAG_KEY_LENGTH)");
    }

    @Test
    void a_tag_value_of_exactly_the_maximum_length_is_served_and_one_character_more_is_refused() {
        assertServed(() -> node.eventStore().getEvents(read(Query.newBuilder()
                .addCriteria(criterion(tag("k", "é".repeat(LIMITS.tagValueLength())))).build())));
        assertRefused(() -> node.eventStore().getEvents(read(Query.newBuilder()
                        .addCriteria(criterion(tag("k", "v"), tag("k2", "v".repeat(LIMITS.tagValueLength() + 1))))
                        .build())),
                "criteria[0].tags[1] has a value of 4097 characters; the limit is 4096 (ORISUN_LIMIT_TAG_VALUE_LENGTH)");
    }

    @Test
    void a_save_takes_exactly_the_maximum_number_of_events_and_refuses_one_more() {
        List<EventToSave> events = new ArrayList<>();
        for (int i = 0; i <= LIMITS.eventsPerSave(); i++) {
            events.add(event("{\"n\":" + i + "}", "{}"));
        }
        long before = count();
        assertRefused(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(BOUNDARY)
                        .addAllEvents(events).build()),
                "the save has 10001 events; the limit is 10000 (ORISUN_LIMIT_EVENTS_PER_SAVE)");
        assertThat(count()).isEqualTo(before);
        assertServed(() -> node.eventStore().withDeadlineAfter(120, TimeUnit.SECONDS).saveEvents(SaveEventsRequest
                .newBuilder().setBoundary(BOUNDARY).addAllEvents(events.subList(0, LIMITS.eventsPerSave())).build()));
        assertThat(count()).isEqualTo(before + LIMITS.eventsPerSave());
    }

    @Test
    void event_data_of_exactly_the_maximum_size_is_saved_and_one_byte_more_is_refused() {
        String atLimit = jsonOfBytes(LIMITS.eventDataBytes());
        assertServed(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(BOUNDARY)
                .addEvents(event(atLimit, "{}")).build()));
        assertRefused(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(BOUNDARY)
                        .addEvents(event("{}", "{}")).addEvents(event(jsonOfBytes(LIMITS.eventDataBytes() + 1), "{}"))
                        .build()),
                "events[1] has 2097153 bytes of data; the limit is 2097152 (ORISUN_LIMIT_EVENT_DATA_BYTES)");
    }

    @Test
    void event_metadata_of_exactly_the_maximum_size_is_saved_and_one_byte_more_is_refused() {
        assertServed(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(BOUNDARY)
                .addEvents(event("{}", jsonOfBytes(LIMITS.eventMetadataBytes()))).build()));
        assertRefused(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(BOUNDARY)
                        .addEvents(event("{}", jsonOfBytes(LIMITS.eventMetadataBytes() + 1))).build()),
                "events[0] has 65537 bytes of metadata; the limit is 65536 (ORISUN_LIMIT_EVENT_METADATA_BYTES)");
    }

    @Test
    void a_pub_sub_message_is_held_to_the_event_payload_limits() {
        assertRefused(() -> node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder().setSubject("limits")
                        .setData("d").setMetadata("m".repeat(LIMITS.eventMetadataBytes() + 1)).build()),
                "the message has 65537 bytes of metadata; the limit is 65536 (ORISUN_LIMIT_EVENT_METADATA_BYTES)");
        assertServed(() -> node.eventStore().publishToPubSub(PublishToPubSubRequest.newBuilder().setSubject("limits")
                .setData("d").setMetadata("m".repeat(LIMITS.eventMetadataBytes())).build()));
    }

    @Test
    void index_keys_and_condition_values_are_held_to_the_tag_limits() {
        CreateIndexRequest.Builder index = CreateIndexRequest.newBuilder().setBoundary(BOUNDARY).setName("limit_keys");
        assertRefused(() -> node.eventStore().createIndex(index.clone()
                        .addFields(IndexField.newBuilder().setJsonKey("k".repeat(LIMITS.tagKeyLength() + 1))
                                .setValueType(ValueType.TEXT)).build()),
                "fields[0] has a key of 257 characters; the limit is 256 (ORISUN_LIMIT_TAG_KEY_LENGTH)");
        assertRefused(() -> node.eventStore().createIndex(index.clone()
                        .addFields(IndexField.newBuilder().setJsonKey("k").setValueType(ValueType.TEXT))
                        .addConditions(IndexCondition.newBuilder().setKey("c").setOperator("=")
                                .setValue("v".repeat(LIMITS.tagValueLength() + 1))).build()),
                "conditions[0] has a value of 4097 characters; the limit is 4096 (ORISUN_LIMIT_TAG_VALUE_LENGTH)");
    }

    /**
     * The widest filter the limits allow, built to cost the matcher the most: every event carries the fields that the
     * first 31 tags of each of the first 1023 criteria ask for, the 32nd tag never matches, and only the last
     * criterion (the event type) selects the event. The matcher's work per event is then every tag of the filter once.
     */
    @Test
    void a_subscriber_with_the_widest_filter_gets_its_events_and_another_subscriber_is_not_slowed() throws Exception {
        int tags = LIMITS.tagsPerCriterion();
        Query.Builder wide = Query.newBuilder();
        for (int c = 0; c < LIMITS.criteria() - 1; c++) {
            String miss = "miss-" + c;
            wide.addCriteria(criterionOf(tags, i -> i < tags - 1 ? tag("f" + i, "v" + i) : tag("never", miss)));
        }
        wide.addCriteria(criterion(tag("eventType", "WideTarget")));
        Query narrow = Query.newBuilder().addCriteria(criterion(tag("eventType", "WideTarget"))).build();
        StringBuilder payload = new StringBuilder("{");
        for (int i = 0; i < tags - 1; i++) {
            payload.append("\"f").append(i).append("\":\"v").append(i).append("\",");
        }
        String fields = payload.toString();

        Position start = node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(LIVE_BOUNDARY)
                .addEvents(event("{}", "{}")).build()).getLogPosition();
        var narrowStream = subscribe("narrow", narrow, start);
        int perRound = 200;
        long narrowAlone = saveAndTimeDelivery(fields, 0, perRound, narrowStream);

        var wideStream = subscribe("wide", wide.build(), start);
        wideStream.awaitCount(perRound, WAIT);
        long narrowBesideWide = saveAndTimeDelivery(fields, perRound, perRound, narrowStream);
        long wideStarted = System.nanoTime();
        wideStream.awaitCount(2 * perRound, WAIT);
        long wideAfterNarrow = Duration.ofNanos(System.nanoTime() - wideStarted).toMillis();

        System.out.printf("narrow subscriber: last of %d events after %d ms alone, %d ms beside the widest filter;"
                + " the widest filter had them all %d ms after the narrow one%n", perRound, narrowAlone,
                narrowBesideWide, wideAfterNarrow);
        assertThat(wideStream.messages()).extracting(Event::getEventId)
                .as("the widest filter selects the same events").isEqualTo(narrowStream.messages().stream()
                        .map(Event::getEventId).toList());
        assertThat(narrowBesideWide).as("delivery to the narrow subscriber beside the widest filter, in ms")
                .isLessThan(narrowAlone + 3_000);
        narrowStream.cancel();
        wideStream.cancel();
    }

    private static StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> subscribe(String name, Query query,
                                                                                         Position after) {
        StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> stream = StreamCollector.reading();
        EventStoreGrpc.newStub(node.channel()).withInterceptors(TestServer.basicAuth("admin", "changeit"))
                .catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder().setBoundary(LIVE_BOUNDARY)
                        .setSubscriberName(name).setQuery(query).setAfterPosition(after).build(), stream);
        return stream;
    }

    /** Saves {@code count} target events in saves of ten, and answers the ms from the last save until all arrived. */
    private static long saveAndTimeDelivery(String fields, int first, int count,
                                            StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> stream) {
        int expected = stream.count() + count;
        for (int n = first; n < first + count; n += 10) {
            SaveEventsRequest.Builder save = SaveEventsRequest.newBuilder().setBoundary(LIVE_BOUNDARY);
            for (int i = n; i < n + 10; i++) {
                save.addEvents(EventToSave.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setEventType("WideTarget").setData(fields + "\"n\":" + i + "}"));
            }
            node.eventStore().saveEvents(save.build());
        }
        long saved = System.nanoTime();
        stream.awaitCount(expected, WAIT);
        return Duration.ofNanos(System.nanoTime() - saved).toMillis();
    }
}
