package io.orisun.server;

import static io.orisun.server.ClientAuth.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.BoundaryInfo;
import io.orisun.proto.BoundaryLifecycleStatus;
import io.orisun.proto.BoundaryPlacementInput;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.CreateBoundaryRequest;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.Direction;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetBoundaryRequest;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.IndexField;
import io.orisun.proto.ListBoundariesRequest;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;
import io.orisun.proto.ValueType;
import io.orisun.testsupport.PostgresFixture;
import io.orisun.testsupport.RestartablePostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One node, two PostgreSQL servers: the default one from the shared fixture and a second one of its own, with a
 * boundary on each. Saves, conditional conflicts, reads, catch-up subscriptions and index builds land on the
 * boundary's own server, which each database confirms; stopping the second server fails only its boundary, with
 * {@code UNAVAILABLE}, while the other keeps saving, reading and delivering and {@code /health/ready} names the
 * server that is down, and a node that starts meanwhile starts all the same; once the server is back, its boundary
 * works again on both nodes. A boundary created at runtime on the second server lives there alone, as the catalog
 * shows.
 */
class TwoPostgresServersIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NEAR = "near";
    private static final String FAR = "far";

    private static RestartablePostgres second;
    private static TestServer node;

    @BeforeAll
    static void start() {
        second = RestartablePostgres.start("orisun_second");
        node = TestServer.start(NamedServer.variables("second", second, "orisun_second", Map.of(
                "ORISUN_PG_SCHEMAS", NEAR + ":near," + FAR + ":far:second,orisun_admin:admin")));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static EventToSave event(String type, String key, String value) {
        return EventToSave.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType(type)
                .setData("{\"" + key + "\": \"" + value + "\"}").build();
    }

    private static Criterion criterion(String key, String value) {
        return Criterion.newBuilder().addTags(Tag.newBuilder().setKey(key).setValue(value)).build();
    }

    private static Position position(long transactionId, long globalId) {
        return Position.newBuilder().setTransactionId(transactionId).setGlobalId(globalId).build();
    }

    private static void save(String boundary, EventToSave... events) {
        save(node, boundary, events);
    }

    private static void save(TestServer on, String boundary, EventToSave... events) {
        on.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(boundary)
                .addAllEvents(List.of(events)).build());
    }

    private static List<Event> read(String boundary) {
        return node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary(boundary).setCount(100)
                .setDirection(Direction.ASC).build()).getEventsList();
    }

    private static StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> subscribe(String boundary) {
        StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> stream = StreamCollector.reading();
        EventStoreGrpc.newStub(node.channel()).withInterceptors(TestServer.basicAuth("admin", "changeit"))
                .catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder().setBoundary(boundary)
                        .setSubscriberName("reader-" + boundary + "-" + UUID.randomUUID())
                        .setQuery(Query.getDefaultInstance()).setAfterPosition(position(-1, -1)).build(), stream);
        return stream;
    }

    private static Status.Code failure(Runnable call) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(failure).as("the call fails with a status").isNotNull();
        return failure.getStatus().getCode();
    }

    /** Events in {@code boundary}'s table on the database, or -1 when the table does not exist there. */
    private static long rows(Connection database, String boundary) throws SQLException {
        try (PreparedStatement exists = database.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, boundary + "." + boundary + "_orisun_es_event");
            try (ResultSet row = exists.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    return -1;
                }
            }
        }
        try (PreparedStatement count = database.prepareStatement(
                "SELECT count(*) FROM " + boundary + "." + boundary + "_orisun_es_event");
             ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static long indexes(Connection database, String boundary, String namePart) throws SQLException {
        try (PreparedStatement count = database.prepareStatement(
                "SELECT count(*) FROM pg_indexes WHERE schemaname = ? AND indexname LIKE ?")) {
            count.setString(1, boundary);
            count.setString(2, "%" + namePart + "%");
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static Connection defaultDatabase() throws SQLException {
        PostgresFixture.Database database = node.database();
        return DriverManager.getConnection(database.server().jdbcUrl(database.name()), database.user(),
                database.password());
    }

    private static ServerFoundationIT.HttpAnswer ready() {
        return ready(node);
    }

    private static ServerFoundationIT.HttpAnswer ready(TestServer on) {
        try {
            return ServerFoundationIT.get(on.adminUrl("/health/ready"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void each_boundary_lives_on_its_own_server_and_a_stopped_server_fails_only_its_boundaries() throws Exception {
        StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> nearStream = subscribe(NEAR);
        StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> farStream = subscribe(FAR);
        save(NEAR, event("Opened", "account", "n1"));
        save(FAR, event("Opened", "account", "f1"), event("Deposited", "account", "f1"));

        SaveEventsRequest.Builder conditional = SaveEventsRequest.newBuilder().setBoundary(FAR)
                .addEvents(event("Deposited", "account", "f1"))
                .setQuery(SaveQuery.newBuilder().setExpectedPosition(position(-1, -1))
                        .setSubsetQuery(Query.newBuilder().addCriteria(criterion("account", "f1"))));
        assertThat(failure(() -> node.eventStore().saveEvents(conditional.build())))
                .as("the far boundary's consistency check runs on its server").isEqualTo(Status.Code.ALREADY_EXISTS);

        assertThat(read(NEAR)).extracting(Event::getEventType).containsExactly("Opened");
        assertThat(read(FAR)).extracting(Event::getEventType).containsExactly("Opened", "Deposited");
        nearStream.awaitCount(1, WAIT);
        farStream.awaitCount(2, WAIT);

        node.admin().createIndex(CreateIndexRequest.newBuilder().setBoundary(FAR).setName("by_account")
                .addFields(IndexField.newBuilder().setJsonKey("account").setValueType(ValueType.TEXT)).build());

        try (Connection defaultDb = defaultDatabase(); Connection secondDb = second.connect("orisun_second")) {
            assertThat(rows(defaultDb, NEAR)).isEqualTo(1);
            assertThat(rows(defaultDb, FAR)).as("no far table on the default server").isEqualTo(-1);
            assertThat(rows(secondDb, FAR)).isEqualTo(2);
            assertThat(rows(secondDb, NEAR)).as("no near table on the second server").isEqualTo(-1);
            assertThat(indexes(secondDb, FAR, "by_account")).as("the index is built on the second server")
                    .isPositive();
            assertThat(indexes(defaultDb, FAR, "by_account")).isZero();
        }
        assertThat(ready().body()).contains("\"status\":\"UP\"", "\"postgres_servers\":{\"default\":\"UP\","
                + "\"second\":\"UP\"}");

        second.stop();
        TestServer late = null;
        try {
            assertThat(failure(() -> save(FAR, event("Deposited", "account", "f1"))))
                    .as("a save to the stopped server's boundary").isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(failure(() -> read(FAR))).as("a read of it").isEqualTo(Status.Code.UNAVAILABLE);

            save(NEAR, event("Deposited", "account", "n1"));
            assertThat(read(NEAR)).extracting(Event::getEventType).containsExactly("Opened", "Deposited");
            nearStream.awaitCount(2, WAIT);
            eventually(WAIT, () -> assertDegraded(node));

            // A node that starts while the second server is down starts all the same.
            late = node.sibling();
            TestServer lateNode = late;
            eventually(WAIT, () -> assertDegraded(lateNode));
            save(late, NEAR, event("Withdrawn", "account", "n1"));
            assertThat(failure(() -> save(lateNode, FAR, event("Deposited", "account", "f1"))))
                    .as("a save to the stopped server's boundary on the late node").isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            second.startIfStopped();
        }
        try {
            eventually(WAIT, () -> save(FAR, event("Withdrawn", "account", "f1")));
            TestServer lateNode = late;
            eventually(WAIT, () -> save(lateNode, FAR, event("Closed", "account", "f1")));
            assertThat(read(FAR)).extracting(Event::getEventType)
                    .containsExactly("Opened", "Deposited", "Withdrawn", "Closed");
            subscribe(FAR).awaitCount(4, WAIT);
            eventually(WAIT, () -> assertThat(ready().body()).contains("\"status\":\"UP\"", "\"second\":\"UP\""));
            eventually(WAIT, () -> assertThat(ready(lateNode).body()).contains("\"status\":\"UP\""));
        } finally {
            if (late != null) {
                late.close();
            }
        }
    }

    @Test
    void a_boundary_created_at_runtime_on_the_second_server_lives_there_and_the_catalog_names_the_server()
            throws Exception {
        String runtime = "runtime_far";
        BoundaryInfo created = node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName(runtime)
                .setDescription("placed at runtime")
                .setPlacement(BoundaryPlacementInput.newBuilder().setBackend("postgres").setServer("second")).build())
                .getBoundary();
        assertThat(created.getStatus()).isEqualTo(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE);
        assertThat(created.getPlacement().getServer()).isEqualTo("second");
        assertThat(created.getPlacement().getNamespace()).as("the schema defaults to the name").isEqualTo(runtime);
        assertThat(node.admin().getBoundary(GetBoundaryRequest.newBuilder().setName(runtime).build()).getBoundary()
                .getPlacement().getServer()).isEqualTo("second");
        assertThat(node.admin().listBoundaries(ListBoundariesRequest.getDefaultInstance()).getBoundariesList())
                .filteredOn(b -> List.of(NEAR, FAR, runtime).contains(b.getName()))
                .extracting(BoundaryInfo::getName, b -> b.getPlacement().getServer())
                .containsExactlyInAnyOrder(tuple(NEAR, "default"), tuple(FAR, "second"), tuple(runtime, "second"));
        try (Connection defaultDb = defaultDatabase(); Connection secondDb = second.connect("orisun_second")) {
            assertThat(rows(secondDb, runtime)).as("the table is made on the second server at creation").isZero();
            assertThat(rows(defaultDb, runtime)).as("no table on the default server").isEqualTo(-1);
        }

        save(runtime, event("Opened", "account", "r1"), event("Deposited", "account", "r1"));
        SaveEventsRequest.Builder conditional = SaveEventsRequest.newBuilder().setBoundary(runtime)
                .addEvents(event("Deposited", "account", "r1"))
                .setQuery(SaveQuery.newBuilder().setExpectedPosition(position(-1, -1))
                        .setSubsetQuery(Query.newBuilder().addCriteria(criterion("account", "r1"))));
        assertThat(failure(() -> node.eventStore().saveEvents(conditional.build())))
                .as("the runtime boundary's consistency check runs on its server").isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(read(runtime)).extracting(Event::getEventType).containsExactly("Opened", "Deposited");
        subscribe(runtime).awaitCount(2, WAIT);
        try (Connection defaultDb = defaultDatabase(); Connection secondDb = second.connect("orisun_second")) {
            assertThat(rows(secondDb, runtime)).as("the saves land on the second server").isEqualTo(2);
            assertThat(rows(defaultDb, runtime)).isEqualTo(-1);
        }
    }

    private static void assertDegraded(TestServer on) {
        ServerFoundationIT.HttpAnswer answer = ready(on);
        assertThat(answer.code()).as("a named server down leaves the node ready: %s", answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"status\":\"DEGRADED\"", "\"postgres\":\"UP\"", "\"default\":\"UP\"",
                "\"second\":\"DOWN\"");
    }
}
