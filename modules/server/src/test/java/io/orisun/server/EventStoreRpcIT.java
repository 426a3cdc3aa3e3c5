package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.Criterion;
import io.orisun.proto.Direction;
import io.orisun.proto.Event;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventCountRequest;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetLatestByCriteriaRequest;
import io.orisun.proto.GetLatestByCriteriaResponse;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;
import io.orisun.proto.WriteResult;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The event log through gRPC: the wire mapping, the statuses of bad input, and the Orisun checks that belong here. */
class EventStoreRpcIT {

    @SharedServer(environment = "ORISUN_PG_SCHEMAS=rpc_a:public,rpc_b:rpc_b,rpc_big:public,orisun_admin:admin")
    private static TestServer node;

    private static EventToSave event(String id, String type, String data) {
        return EventToSave.newBuilder().setEventId(id).setEventType(type).setData(data).build();
    }

    private static Criterion criterion(String... keyValues) {
        Criterion.Builder criterion = Criterion.newBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            criterion.addTags(Tag.newBuilder().setKey(keyValues[i]).setValue(keyValues[i + 1]));
        }
        return criterion.build();
    }

    private static Position position(long transactionId, long globalId) {
        return Position.newBuilder().setTransactionId(transactionId).setGlobalId(globalId).build();
    }

    private static void assertStatus(Executable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as("status of: %s", e.getMessage()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    @Test
    void saves_two_events_and_reads_them_back_in_order_with_commit_ordered_positions() {
        WriteResult first = node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_b")
                .addEvents(event("b-1", "First", "{\"n\": 1}"))
                .addEvents(event("b-2", "Second", "{\"n\": 2}"))
                .build());
        assertThat(first.getLogPosition()).isEqualTo(position(2, 1));
        assertThat(first.getLatestTransactionId()).isEqualTo(2);
        assertThat(first.getLatestGlobalId()).isEqualTo(1);
        assertThat(first.getNewGlobalId()).isEqualTo(1);

        List<Event> events = node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_b")
                .setCount(10).setDirection(Direction.ASC).build()).getEventsList();
        assertThat(events).extracting(Event::getEventId).containsExactly("b-1", "b-2");
        assertThat(events.get(0).getPosition()).isEqualTo(position(2, 0));
        assertThat(events.get(0).getEventType()).isEqualTo("First");
        assertThat(events.get(0).getData()).isEqualTo("{\"n\": 1}");
        assertThat(events.get(0).getMetadata()).isEqualTo("{}");
        assertThat(events.get(0).getDateCreated().getSeconds()).isPositive();

        List<Event> descending = node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_b")
                .setCount(10).setDirection(Direction.DESC).setFromPosition(position(-1, -1)).build()).getEventsList();
        assertThat(descending).extracting(Event::getEventId).containsExactly("b-2", "b-1");
        assertThat(node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary("rpc_b").build()).getCount())
                .isEqualTo(2);
    }

    @Test
    void a_save_on_a_context_that_moved_fails_with_already_exists_and_the_orisun_message() {
        SaveEventsRequest.Builder save = SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .setQuery(SaveQuery.newBuilder()
                        .setExpectedPosition(position(-1, -1))
                        .setSubsetQuery(Query.newBuilder().addCriteria(criterion("eventType", "First"))))
                .addEvents(event("conflict-1", "First", "{}"));
        WriteResult written = node.eventStore().saveEvents(save.build());
        save.setEvents(0, event("conflict-2", "First", "{}"));
        assertStatus(() -> node.eventStore().saveEvents(save.build()), Status.Code.ALREADY_EXISTS,
                "OptimisticConcurrencyException:StreamVersionConflict: Expected (-1, -1), Actual ("
                        + written.getLogPosition().getTransactionId() + ", " + written.getLogPosition().getGlobalId() + ")");
    }

    @Test
    void a_conflict_message_carries_orisuns_positions_and_the_versions_the_official_java_and_go_clients_parse() {
        // The pattern of Orisun-J's own client and Orisun's message, and the one Orisun's Java and Go clients use.
        Pattern positions = Pattern.compile("Expected \\((-?\\d+), ?(-?\\d+)\\), Actual \\((-?\\d+), ?(-?\\d+)\\)");
        Pattern versions = Pattern.compile("Expected\\s+(\\d+),\\s+Actual\\s+(\\d+)");
        SaveEventsRequest.Builder save = SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .setQuery(SaveQuery.newBuilder().setExpectedPosition(position(-1, -1))
                        .setSubsetQuery(Query.newBuilder().addCriteria(criterion("ticket", "versions"))))
                .addEvents(event("versions-1", "Opened", "{\"ticket\": \"versions\"}"));
        Position first = node.eventStore().saveEvents(save.build()).getLogPosition();
        save.getQueryBuilder().setExpectedPosition(first);
        Position second = node.eventStore().saveEvents(save.setEvents(0,
                event("versions-2", "Closed", "{\"ticket\": \"versions\"}")).build()).getLogPosition();

        for (Position stale : List.of(position(-1, -1), first)) {
            save.getQueryBuilder().setExpectedPosition(stale);
            save.setEvents(0, event("versions-late-" + stale.getGlobalId(), "Closed", "{\"ticket\": \"versions\"}"));
            StatusRuntimeException conflict = org.junit.jupiter.api.Assertions.assertThrows(
                    StatusRuntimeException.class, () -> node.eventStore().saveEvents(save.build()));
            String message = conflict.getStatus().getDescription();
            assertThat(conflict.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(message).startsWith("OptimisticConcurrencyException:StreamVersionConflict: Expected ("
                    + stale.getTransactionId() + ", " + stale.getGlobalId() + "), Actual (" + second.getTransactionId()
                    + ", " + second.getGlobalId() + ")");

            Matcher byPosition = positions.matcher(message);
            assertThat(byPosition.find()).isTrue();
            assertThat(List.of(byPosition.group(1), byPosition.group(2), byPosition.group(3), byPosition.group(4)))
                    .containsExactly(String.valueOf(stale.getTransactionId()), String.valueOf(stale.getGlobalId()),
                            String.valueOf(second.getTransactionId()), String.valueOf(second.getGlobalId()));
            Matcher byVersion = versions.matcher(message);
            assertThat(byVersion.find()).as("the official clients' pattern finds the versions in %s", message).isTrue();
            assertThat(Long.parseLong(byVersion.group(1))).isEqualTo(stale.getGlobalId() + 1);
            assertThat(Long.parseLong(byVersion.group(2))).isEqualTo(second.getGlobalId() + 1);
        }
    }

    @Test
    void criteria_placed_directly_in_the_save_query_make_the_save_conditional() {
        SaveEventsRequest.Builder save = SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .setQuery(SaveQuery.newBuilder().addCriteria(criterion("username", "direct")))
                .addEvents(event("direct-1", "UserRegistered", "{\"username\": \"direct\"}"));
        node.eventStore().saveEvents(save.build());
        save.setEvents(0, event("direct-2", "UserRegistered", "{\"username\": \"direct\"}"));
        assertStatus(() -> node.eventStore().saveEvents(save.build()), Status.Code.ALREADY_EXISTS, "StreamVersionConflict");
    }

    @Test
    void boundaries_isolate_their_events() {
        node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .addEvents(event("iso-a", "Isolated", "{\"iso\": \"x\"}")).build());
        List<Event> inB = node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_b").setCount(100)
                .setQuery(Query.newBuilder().addCriteria(criterion("iso", "x"))).build()).getEventsList();
        assertThat(inB).isEmpty();
    }

    @Test
    void latest_by_criteria_answers_per_criterion_in_request_order_with_the_context_position() {
        GetLatestByCriteriaRequest request = GetLatestByCriteriaRequest.newBuilder().setBoundary("rpc_big")
                .addCriteria(criterion("k", "A")).addCriteria(criterion("k", "B")).build();
        GetLatestByCriteriaResponse empty = node.eventStore().getLatestByCriteria(request);
        assertThat(empty.getResultsList()).hasSize(2).allSatisfy(r -> assertThat(r.hasEvent()).isFalse());
        assertThat(empty.getContextPosition()).isEqualTo(position(-1, -1));

        for (String[] e : new String[][] {{"A1", "A"}, {"B1", "B"}, {"A2", "A"}}) {
            node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_big")
                    .addEvents(event("latest-" + e[0], "Lettered", "{\"k\": \"" + e[1] + "\"}")).build());
        }
        GetLatestByCriteriaResponse latest = node.eventStore().getLatestByCriteria(request);
        assertThat(latest.getResultsList()).extracting(r -> r.getEvent().getEventId()).containsExactly("latest-A2", "latest-B1");
        assertThat(latest.getResults(0).getCriterion()).isEqualTo(criterion("k", "A"));
        assertThat(latest.getContextPosition()).isEqualTo(latest.getResults(0).getEvent().getPosition());

        assertStatus(() -> node.eventStore().getLatestByCriteria(GetLatestByCriteriaRequest.newBuilder()
                .setBoundary("rpc_big").addCriteria(Criterion.getDefaultInstance()).build()),
                Status.Code.INVALID_ARGUMENT, "criteria[0]");
    }

    @Test
    void a_one_mebibyte_payload_round_trips() {
        String big = "{\"blob\": \"" + "x".repeat(1024 * 1024) + "\"}";
        node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_big")
                .addEvents(event("big-1", "Big", big)).build());
        List<Event> events = node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_big")
                .setCount(1).setQuery(Query.newBuilder().addCriteria(criterion("eventType", "Big"))).build()).getEventsList();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.getData()).isEqualTo(big));
    }

    @Test
    void unknown_and_invalid_boundaries_are_not_found_and_invalid_argument() {
        assertStatus(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("nowhere")
                .addEvents(event("x", "X", "{}")).build()), Status.Code.NOT_FOUND, "nowhere");
        assertStatus(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("bad; DROP TABLE x")
                .setCount(1).build()), Status.Code.INVALID_ARGUMENT, "boundary");
        assertStatus(() -> node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary("nowhere").build()),
                Status.Code.NOT_FOUND, "nowhere");
    }

    @Test
    void malformed_saves_are_invalid_argument_naming_the_problem_and_write_nothing() {
        long before = node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary("rpc_a").build()).getCount();
        assertStatus(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_a").build()),
                Status.Code.INVALID_ARGUMENT, "events must not be empty");
        assertStatus(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .addEvents(event("ok-1", "Ok", "{}")).addEvents(event("bad-1", "Bad", "[1, 2]")).build()),
                Status.Code.INVALID_ARGUMENT, "events[1].data");
        assertStatus(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .addEvents(event("no-type", "", "{}")).build()), Status.Code.INVALID_ARGUMENT, "event_type");
        assertStatus(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .addEvents(event("", "NoId", "{}")).build()), Status.Code.INVALID_ARGUMENT, "event_id");
        assertStatus(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("rpc_a")
                .addEvents(event("bad-json", "Bad", "{\"unclosed\": ")).build()), Status.Code.INVALID_ARGUMENT, "events[0].data");
        assertThat(node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary("rpc_a").build()).getCount())
                .isEqualTo(before);
    }

    @Test
    void malformed_reads_are_invalid_argument() {
        assertStatus(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_a").build()),
                Status.Code.INVALID_ARGUMENT, "count");
        assertStatus(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_a").setCount(10_001).build()),
                Status.Code.INVALID_ARGUMENT, "count");
        assertStatus(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_a").setCount(-1).build()),
                Status.Code.INVALID_ARGUMENT, "count");
        assertStatus(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_a").setCount(5)
                .setFromPosition(position(1, 0)).setAfterPosition(position(1, 0)).build()),
                Status.Code.INVALID_ARGUMENT, "not both");
        assertStatus(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_a").setCount(5)
                .setFromPosition(position(-7, 0)).build()), Status.Code.INVALID_ARGUMENT, "position");
        assertStatus(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("rpc_a").setCount(5)
                .setQuery(Query.newBuilder().addCriteria(criterion("", "x"))).build()), Status.Code.INVALID_ARGUMENT, "key");
    }
}
