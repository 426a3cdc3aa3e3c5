package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.ConditionCombinator;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.DropIndexRequest;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetIndexRequest;
import io.orisun.proto.IndexCondition;
import io.orisun.proto.IndexDefinition;
import io.orisun.proto.IndexField;
import io.orisun.proto.IndexState;
import io.orisun.proto.ListIndexesRequest;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.ValueType;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CreateIndex, DropIndex, ListIndexes and GetIndex through gRPC, on both services, as clients call them. */
class IndexRpcIT {

    @SharedServer
    private static TestServer node;

    @BeforeAll
    static void saveEvents() {
        save("orisun_test_2", "user-001", "UserRegistered", "{\"username\": \"alice\", \"email\": \"alice@example.com\"}");
        save("orisun_test_2", "order-001", "OrderPlaced", "{\"customer_id\": \"c-1\", \"amount\": 250}");
        save("orisun_test_2", "order-002", "OrderPlaced", "{\"customer_id\": \"c-2\", \"amount\": \"unknown\"}");
    }

    private static void save(String boundary, String id, String type, String data) {
        node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(boundary)
                .addEvents(EventToSave.newBuilder().setEventId(id).setEventType(type).setData(data)).build());
    }

    private static CreateIndexRequest.Builder request(String name, IndexField... fields) {
        return CreateIndexRequest.newBuilder().setBoundary("orisun_test_2").setName(name).addAllFields(List.of(fields));
    }

    private static IndexField field(String key, ValueType type) {
        return IndexField.newBuilder().setJsonKey(key).setValueType(type).build();
    }

    private static IndexCondition condition(String key, String operator, String value) {
        return IndexCondition.newBuilder().setKey(key).setOperator(operator).setValue(value).build();
    }

    private static Status.Code code(ThrowingCallable call) {
        return failure(call).getStatus().getCode();
    }

    private static StatusRuntimeException failure(ThrowingCallable call) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(failure).as("the call fails with a status").isNotNull();
        return failure;
    }

    @Test
    void creates_lists_gets_and_drops_indexes_on_both_services() {
        CreateIndexRequest byUsername = request("by_username", field("username", ValueType.TEXT)).build();
        CreateIndexRequest bigOrders = request("big_orders", field("customer_id", ValueType.TEXT),
                field("amount", ValueType.NUMERIC))
                .addConditions(condition("eventType", "=", "OrderPlaced"))
                .addConditions(condition("customer_id", "=", "c-1"))
                .setConditionCombinator(ConditionCombinator.AND).build();

        node.admin().createIndex(byUsername);
        node.eventStore().createIndex(bigOrders);
        node.admin().createIndex(byUsername);

        List<IndexDefinition> listed = node.eventStore().listIndexes(
                ListIndexesRequest.newBuilder().setBoundary("orisun_test_2").build()).getIndexesList();
        assertThat(listed).extracting(IndexDefinition::getName).contains("big_orders", "by_username");
        IndexDefinition got = node.eventStore().getIndex(GetIndexRequest.newBuilder().setBoundary("orisun_test_2")
                .setName("big_orders").build()).getIndex();
        assertThat(got).isEqualTo(IndexDefinition.newBuilder().setName("big_orders")
                .addAllFields(bigOrders.getFieldsList()).addAllConditions(bigOrders.getConditionsList())
                .setConditionCombinator(ConditionCombinator.AND).setState(IndexState.INDEX_STATE_READY).build());

        DropIndexRequest drop = DropIndexRequest.newBuilder().setBoundary("orisun_test_2").setName("by_username").build();
        node.admin().dropIndex(drop);
        node.eventStore().dropIndex(drop);

        assertThat(code(() -> node.eventStore().getIndex(GetIndexRequest.newBuilder().setBoundary("orisun_test_2")
                .setName("by_username").build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(node.eventStore().listIndexes(ListIndexesRequest.newBuilder().setBoundary("orisun_test_2").build())
                .getIndexesList()).extracting(IndexDefinition::getName).doesNotContain("by_username");
    }

    @Test
    void an_index_created_on_one_node_is_listed_got_and_dropped_on_a_sibling_node() {
        try (TestServer sibling = node.sibling()) {
            node.admin().createIndex(request("by_email_across_nodes", field("email", ValueType.TEXT)).build());
            GetIndexRequest get = GetIndexRequest.newBuilder().setBoundary("orisun_test_2")
                    .setName("by_email_across_nodes").build();
            assertThat(sibling.eventStore().getIndex(get).getIndex().getState()).isEqualTo(IndexState.INDEX_STATE_READY);
            assertThat(sibling.eventStore().listIndexes(ListIndexesRequest.newBuilder().setBoundary("orisun_test_2").build())
                    .getIndexesList()).extracting(IndexDefinition::getName).contains("by_email_across_nodes");

            sibling.eventStore().dropIndex(DropIndexRequest.newBuilder().setBoundary("orisun_test_2")
                    .setName("by_email_across_nodes").build());
            assertThat(code(() -> node.eventStore().getIndex(get))).isEqualTo(Status.Code.NOT_FOUND);
        }
    }

    @Test
    void malformed_definitions_are_invalid_arguments_on_both_services() {
        List<CreateIndexRequest> malformed = List.of(
                request("bad-name", field("a", ValueType.TEXT)).build(),
                request("", field("a", ValueType.TEXT)).build(),
                request("no_fields").build(),
                request("empty_key", field("", ValueType.TEXT)).build(),
                request("bad_operator", field("a", ValueType.TEXT)).addConditions(condition("a", "!=", "1")).build(),
                request("no_condition_key", field("a", ValueType.TEXT)).addConditions(condition("", "=", "1")).build(),
                request("not_a_number", field("a", ValueType.NUMERIC)).addConditions(condition("a", ">", "x")).build(),
                request("bad_type", IndexField.newBuilder().setJsonKey("a").setValueTypeValue(9).build()).build(),
                request("suggested_a", field("a", ValueType.TEXT)).build(),
                request("typed_type", field("eventType", ValueType.NUMERIC)).build());

        for (CreateIndexRequest request : malformed) {
            assertThat(code(() -> node.eventStore().createIndex(request))).as(request.toString())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> node.admin().createIndex(request))).as(request.toString())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(code(() -> node.eventStore().getIndex(GetIndexRequest.newBuilder().setBoundary("orisun_test_2")
                .setName("bad-name").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void unknown_boundaries_and_indexes_are_not_found() {
        CreateIndexRequest elsewhere = request("x", field("a", ValueType.TEXT)).setBoundary("no_such_boundary").build();

        assertThat(code(() -> node.admin().createIndex(elsewhere))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> node.eventStore().listIndexes(ListIndexesRequest.newBuilder()
                .setBoundary("no_such_boundary").build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> node.admin().dropIndex(DropIndexRequest.newBuilder().setBoundary("no_such_boundary")
                .setName("x").build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> node.eventStore().getIndex(GetIndexRequest.newBuilder().setBoundary("orisun_test_2")
                .setName("never_created").build()))).isEqualTo(Status.Code.NOT_FOUND);
        node.admin().dropIndex(DropIndexRequest.newBuilder().setBoundary("orisun_test_2").setName("never_created")
                .build());
    }

    @Test
    void a_different_definition_under_a_taken_name_already_exists() {
        node.eventStore().createIndex(request("taken", field("email", ValueType.TEXT)).build());

        assertThat(code(() -> node.admin().createIndex(request("taken", field("username", ValueType.TEXT)).build())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    @Test
    void a_failed_build_is_a_failed_precondition_that_get_and_list_keep_showing() {
        CreateIndexRequest amounts = request("amounts", field("amount", ValueType.NUMERIC)).build();

        StatusRuntimeException failure = failure(() -> node.admin().createIndex(amounts));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(failure.getStatus().getDescription()).contains("invalid input syntax for type numeric: \"unknown\"")
                .doesNotContain("CREATE INDEX");
        StatusRuntimeException onGet = failure(() -> node.eventStore().getIndex(GetIndexRequest.newBuilder()
                .setBoundary("orisun_test_2").setName("amounts").build()));
        assertThat(onGet.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(onGet.getStatus().getDescription()).contains("\"unknown\"");
        assertThat(node.eventStore().listIndexes(ListIndexesRequest.newBuilder().setBoundary("orisun_test_2").build())
                .getIndexesList()).filteredOn(i -> i.getName().equals("amounts"))
                .singleElement().extracting(IndexDefinition::getState).isEqualTo(IndexState.INDEX_STATE_UNSPECIFIED);
        save("orisun_test_2", "order-003", "OrderPlaced", "{\"amount\": \"still unknown\"}");
    }

    @Test
    void the_readme_examples_work_as_written() throws Exception {
        save("orisun_test_1", "user-001", "UserRegistered", "{\"username\": \"alice\", \"email\": \"alice@example.com\"}");
        save("orisun_test_1", "order-100", "OrderPlaced", "{\"customer_id\": \"c-9\", \"amount\": 1000}");
        save("orisun_test_1", "order-101", "OrderPlaced", "{\"customer_id\": \"c-9\", \"amount\": 20}");

        node.admin().createIndex(json("""
                {"boundary": "orisun_test_1", "name": "username",
                 "fields": [{"json_key": "username", "value_type": "TEXT"}]}""", CreateIndexRequest.newBuilder()));
        node.eventStore().createIndex(json("""
                {
                  "boundary": "orisun_test_1",
                  "name": "category_priority",
                  "fields": [
                    {"json_key": "category", "value_type": "TEXT"},
                    {"json_key": "priority", "value_type": "TEXT"}
                  ]
                }""", CreateIndexRequest.newBuilder()));
        node.admin().createIndex(json("""
                {
                  "boundary": "orisun_test_1",
                  "name": "placed_amount",
                  "fields": [{"json_key": "amount", "value_type": "NUMERIC"}],
                  "conditions": [{"key": "eventType", "operator": "=", "value": "OrderPlaced"}],
                  "condition_combinator": "AND"
                }""", CreateIndexRequest.newBuilder()));
        node.eventStore().createIndex(json("""
                {
                  "boundary": "orisun_test_1",
                  "name": "large_orders",
                  "fields": [{"json_key": "customer_id", "value_type": "TEXT"}],
                  "conditions": [
                    {"key": "eventType", "operator": "=", "value": "OrderPlaced"},
                    {"key": "amount", "operator": ">", "value": "100"}
                  ],
                  "condition_combinator": "AND"
                }""", CreateIndexRequest.newBuilder()));

        String listed = JsonFormat.printer().print(node.eventStore().listIndexes(json("""
                {"boundary": "orisun_test_1"}""", ListIndexesRequest.newBuilder())));
        assertThat(listed).contains("\"name\": \"category_priority\"", "\"name\": \"large_orders\"",
                "\"name\": \"placed_amount\"", "\"name\": \"username\"", "\"state\": \"INDEX_STATE_READY\"");
        assertThat(node.eventStore().getIndex(json("""
                {"boundary": "orisun_test_1", "name": "large_orders"}""", GetIndexRequest.newBuilder()))
                .getIndex().getConditionsList()).extracting(IndexCondition::getOperator).containsExactly("=", ">");
        node.admin().dropIndex(json("""
                {"boundary": "orisun_test_1", "name": "username"}""", DropIndexRequest.newBuilder()));
        node.eventStore().dropIndex(json("""
                {"boundary": "orisun_test_1", "name": "username"}""", DropIndexRequest.newBuilder()));
        assertThat(node.eventStore().listIndexes(ListIndexesRequest.newBuilder().setBoundary("orisun_test_1").build())
                .getIndexesList()).extracting(IndexDefinition::getName)
                .containsExactly("category_priority", "large_orders", "placed_amount");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T json(String json, Message.Builder builder) throws InvalidProtocolBufferException {
        JsonFormat.parser().merge(json, builder);
        return (T) builder.build();
    }
}
