package io.orisun.server;

import static io.orisun.server.ClientAuth.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.CreateBoundaryRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.Direction;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetBoundaryRequest;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.MoveBoundaryRequest;
import io.orisun.proto.MoveBoundaryResponse;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;
import io.orisun.testsupport.PostgresFixture;
import io.orisun.testsupport.RestartablePostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Admin.MoveBoundary} on two nodes and two PostgreSQL servers: a configured boundary of 100,000 events moves
 * from the default server to the second one while writers on both nodes save to it and a catch-up subscriber reads
 * it. The moved log is identical position for position (each database asked by JDBC), later saves land on the second
 * server only, on both nodes, the consistency check still refuses a stale position, and the subscriber sees every
 * event once, in order. A node started afterwards with the old configured placement serves the boundary from the
 * second server and creates nothing on the first.
 */
class BoundaryMoveRpcIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ORDERS = "orders";
    private static final int FILL_REQUESTS = 100;
    private static final int FILL_BATCH = 1_000;

    private static RestartablePostgres second;
    private static TestServer node;
    private static TestServer sibling;

    @BeforeAll
    static void start() {
        second = RestartablePostgres.start("orisun_moved");
        node = TestServer.start(NamedServer.variables("second", second, "orisun_moved", Map.of(
                "ORISUN_PG_SCHEMAS", ORDERS + ":" + ORDERS + ",orisun_admin:admin")));
        sibling = node.sibling();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closing : new AutoCloseable[] {sibling, node, second}) {
            if (closing != null) {
                try {
                    closing.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void a_boundary_of_100000_events_moves_to_another_server_while_written_and_read() throws Exception {
        ResumingSubscriber subscriber = new ResumingSubscriber(node, ORDERS);
        long filling = System.nanoTime();
        for (int request = 0; request < FILL_REQUESTS; request++) {
            SaveEventsRequest.Builder batch = SaveEventsRequest.newBuilder().setBoundary(ORDERS);
            for (int i = 0; i < FILL_BATCH; i++) {
                batch.addEvents(event("Filled", "a" + (i % 50)));
            }
            node.eventStore().saveEvents(batch.build());
        }
        System.out.printf("filled %d events through gRPC in %d ms%n", FILL_REQUESTS * FILL_BATCH,
                (System.nanoTime() - filling) / 1_000_000);
        Position beforeMove = latest("a7");

        Writer onNode = new Writer(node, "node");
        Writer onSibling = new Writer(sibling, "sibling");
        Thread.sleep(300);
        MoveBoundaryResponse moved = node.admin().withDeadlineAfter(120, TimeUnit.SECONDS).moveBoundary(
                MoveBoundaryRequest.newBuilder().setBoundary(ORDERS).setServer("second").build());
        long movedAt = System.nanoTime();
        System.out.printf("moved %d events: copy %d ms, verify %d ms, writes paused %d ms%n", moved.getEventCount(),
                moved.getCopyMillis(), moved.getVerifyMillis(), moved.getPauseMillis());

        assertThat(moved.getBoundary()).isEqualTo(ORDERS);
        assertThat(moved.getFromServer()).isEqualTo("default");
        assertThat(moved.getToServer()).isEqualTo("second");
        assertThat(moved.getEventCount()).isGreaterThanOrEqualTo(FILL_REQUESTS * FILL_BATCH);
        assertThat(moved.getChecksum()).hasSize(64);
        assertThat(moved.getPauseMillis()).isGreaterThanOrEqualTo(moved.getCopyMillis());
        assertThat(moved.getRetiredSchema()).startsWith("orisun_moved_orders_");

        try (Connection source = defaultDatabase(); Connection target = second.connect("orisun_moved")) {
            String retired = moved.getRetiredSchema() + "." + ORDERS + "_orisun_es_event";
            String copy = ORDERS + "." + ORDERS + "_orisun_es_event";
            Position head = moved.getHead();
            assertThat(digest(target, copy, head)).as("the copy on the second server, position for position")
                    .isEqualTo(digest(source, retired, head))
                    .startsWith(moved.getEventCount() + ":");
            assertThat(count(source, retired)).as("the source held exactly what was copied")
                    .isEqualTo(moved.getEventCount());
            assertThat(exists(source, copy)).as("the old copy is retired on the default server").isFalse();

            // This node switched before the call returned; the sibling within a catalog poll or two.
            String afterMove = save(node, event("Moved", "a1"));
            assertThat(holds(target, copy, afterMove)).isTrue();
            assertThat(holds(source, retired, afterMove)).isFalse();
            AtomicReference<String> onTheSibling = new AtomicReference<>();
            eventually(Duration.ofSeconds(6), () -> onTheSibling.set(save(sibling, event("Moved", "a2"))));
            System.out.printf("the second node saved to the moved boundary %d ms after the move returned%n",
                    (System.nanoTime() - movedAt) / 1_000_000);
            assertThat(holds(target, copy, onTheSibling.get())).isTrue();
            assertThat(exists(source, copy)).as("nothing was created again on the default server").isFalse();
            for (TestServer on : List.of(node, sibling)) {
                assertThat(on.admin().getBoundary(GetBoundaryRequest.newBuilder().setName(ORDERS).build())
                        .getBoundary().getPlacement().getServer()).isEqualTo("second");
            }

            // The consistency check runs on the copy: a position read before the move is stale after a new event.
            save(node, event("Moved", "a7"));
            assertThat(ClientAuth.code(() -> node.eventStore().saveEvents(conditional("a7", beforeMove))))
                    .isEqualTo(Status.Code.ALREADY_EXISTS);
            node.eventStore().saveEvents(conditional("a7", latest("a7")));

            onNode.stop();
            onSibling.stop();
            System.out.printf("writers: %d saves, %d UNAVAILABLE, %d FAILED_PRECONDITION answers retried%n",
                    onNode.saved.get() + onSibling.saved.get(), onNode.unavailable.get() + onSibling.unavailable.get(),
                    onNode.stale.get() + onSibling.stale.get());
            assertThat(onNode.saved.get()).isPositive();
            assertThat(onSibling.saved.get()).isPositive();
            // A node that has not read the move yet reads the catalog when the old copy fails it, and repeats the
            // call on the new server: no caller sees the retired tables.
            assertThat(onNode.stale.get() + onSibling.stale.get()).as("FAILED_PRECONDITION answers").isZero();

            List<String> log = eventIds(target, copy);
            assertThat(log).hasSize((int) count(target, copy)).doesNotHaveDuplicates()
                    .containsAll(onNode.ids).containsAll(onSibling.ids);
            subscriber.awaitCount(log.size());
            Thread.sleep(500);
            subscriber.close();
            System.out.printf("the subscriber received %d events over %d reconnects%n", log.size(),
                    subscriber.reconnects.get());
            assertThat(subscriber.ids()).as("every event once, in order, after %d reconnects",
                    subscriber.reconnects.get()).containsExactlyElementsOf(log);
        } finally {
            onNode.stop();
            onSibling.stop();
            subscriber.close();
        }

        // The source keeps its Flyway history; moving back before it is dropped is refused and leaves the boundary
        // working where it is.
        assertThat(ClientAuth.code(() -> node.admin().moveBoundary(MoveBoundaryRequest.newBuilder()
                .setBoundary(ORDERS).setServer("default").build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        save(node, event("Stayed", "a3"));

        // A node started with the old placement in its configuration follows the catalog.
        try (TestServer late = node.sibling(); Connection source = defaultDatabase();
             Connection target = second.connect("orisun_moved")) {
            String id = save(late, event("Late", "a4"));
            assertThat(holds(target, ORDERS + "." + ORDERS + "_orisun_es_event", id)).isTrue();
            assertThat(exists(source, ORDERS + "." + ORDERS + "_orisun_es_event")).isFalse();
        }

        // Once what the move left on the default server on purpose is dropped, the boundary moves back.
        try (Connection source = defaultDatabase(); Statement statement = source.createStatement()) {
            statement.execute("DROP TABLE orders.\"orders_orisun_schema_history\"");
            statement.execute("DROP FUNCTION orders.\"orders_orisun_writer_lock_key\"()");
        }
        MoveBoundaryResponse back = node.admin().withDeadlineAfter(120, TimeUnit.SECONDS).moveBoundary(
                MoveBoundaryRequest.newBuilder().setBoundary(ORDERS).setServer("default").build());
        assertThat(back.getFromServer()).isEqualTo("second");
        assertThat(back.getEventCount()).isGreaterThan(moved.getEventCount());
        try (Connection source = defaultDatabase()) {
            String id = save(node, event("Back", "a5"));
            assertThat(holds(source, ORDERS + "." + ORDERS + "_orisun_es_event", id)).isTrue();
        }
    }

    @Test
    void of_two_moves_of_one_boundary_started_at_once_on_two_nodes_one_succeeds_and_the_copy_stays_whole()
            throws Exception {
        String ledger = "ledger";
        node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName(ledger).build());
        for (int request = 0; request < 5; request++) {
            SaveEventsRequest.Builder batch = SaveEventsRequest.newBuilder().setBoundary(ledger);
            for (int i = 0; i < FILL_BATCH; i++) {
                batch.addEvents(event("Filled", "l" + (i % 10)));
            }
            node.eventStore().saveEvents(batch.build());
        }
        eventually(Duration.ofSeconds(10), () -> sibling.eventStore().getEvents(GetEventsRequest.newBuilder()
                .setBoundary(ledger).setCount(1).build()));

        CountDownLatch go = new CountDownLatch(1);
        List<AtomicReference<Status.Code>> outcomes = List.of(new AtomicReference<>(), new AtomicReference<>());
        List<Thread> movers = new ArrayList<>();
        List<TestServer> on = List.of(node, sibling);
        for (int i = 0; i < 2; i++) {
            TestServer mover = on.get(i);
            AtomicReference<Status.Code> outcome = outcomes.get(i);
            movers.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                outcome.set(ClientAuth.code(() -> mover.admin().withDeadlineAfter(120, TimeUnit.SECONDS)
                        .moveBoundary(MoveBoundaryRequest.newBuilder().setBoundary(ledger).setServer("second")
                                .build())));
            }));
        }
        go.countDown();
        for (Thread mover : movers) {
            mover.join(Duration.ofSeconds(120));
        }
        List<Status.Code> codes = outcomes.stream().map(AtomicReference::get).toList();
        System.out.printf("two concurrent moves answered %s%n", codes);
        assertThat(codes).containsOnlyOnce(Status.Code.OK);
        assertThat(codes).filteredOn(code -> code != Status.Code.OK).singleElement()
                .isIn(Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED);

        try (Connection target = second.connect("orisun_moved")) {
            String table = ledger + "." + ledger + "_orisun_es_event";
            assertThat(count(target, table)).as("the copy the successful move made is whole").isEqualTo(5_000);
            for (TestServer writer : on) {
                EventToSave after = event("After", "l1");
                eventually(Duration.ofSeconds(6), () -> writer.eventStore().saveEvents(SaveEventsRequest.newBuilder()
                        .setBoundary(ledger).addEvents(after).build()));
            }
            assertThat(count(target, table)).isEqualTo(5_002);
        }
    }

    @Test
    void a_move_is_refused_for_a_bad_request_or_a_caller_who_is_not_an_admin() {
        assertThat(move(node.admin(), ORDERS, "nowhere")).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(move(node.admin(), "orisun_admin", "second")).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(move(node.admin(), "no_such_boundary", "second")).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(move(node.admin(), ORDERS, "")).isEqualTo(Status.Code.INVALID_ARGUMENT);
        ClientAuth.createUser(node, "mover", "mover-password", "OPERATIONS");
        assertThat(move(ClientAuth.admin(node, TestServer.basicAuth("mover", "mover-password")), ORDERS, "second"))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    private static Status.Code move(io.orisun.proto.AdminGrpc.AdminBlockingStub admin, String boundary, String to) {
        return ClientAuth.code(() -> admin.moveBoundary(MoveBoundaryRequest.newBuilder().setBoundary(boundary)
                .setServer(to).build()));
    }

    private static EventToSave event(String type, String account) {
        return EventToSave.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType(type)
                .setData("{\"account\": \"" + account + "\"}").build();
    }

    private static String save(TestServer on, EventToSave event) {
        on.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(ORDERS).addEvents(event).build());
        return event.getEventId();
    }

    private static Criterion account(String account) {
        return Criterion.newBuilder().addTags(Tag.newBuilder().setKey("account").setValue(account)).build();
    }

    private static Position latest(String account) {
        return node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary(ORDERS).setCount(1)
                .setDirection(Direction.DESC).setQuery(Query.newBuilder().addCriteria(account(account))).build())
                .getEvents(0).getPosition();
    }

    private static SaveEventsRequest conditional(String account, Position expected) {
        return SaveEventsRequest.newBuilder().setBoundary(ORDERS).addEvents(event("Checked", account))
                .setQuery(SaveQuery.newBuilder().setExpectedPosition(expected)
                        .setSubsetQuery(Query.newBuilder().addCriteria(account(account)))).build();
    }

    private static Connection defaultDatabase() throws SQLException {
        PostgresFixture.Database database = node.database();
        return DriverManager.getConnection(database.server().jdbcUrl(database.name()), database.user(),
                database.password());
    }

    /** The count and an MD5 over every column of the events up to {@code head}, in position order. */
    private static String digest(Connection database, String table, Position head) throws SQLException {
        try (PreparedStatement statement = database.prepareStatement("""
                SELECT count(*) || ':' || md5(string_agg(concat_ws('|', transaction_id, global_id, event_id,
                           event_type, data::text, metadata::text, date_created AT TIME ZONE 'UTC'), E'\\n'
                           ORDER BY transaction_id, global_id))
                  FROM %s WHERE (transaction_id, global_id) <= (?, ?)""".formatted(table))) {
            statement.setLong(1, head.getTransactionId());
            statement.setLong(2, head.getGlobalId());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static long count(Connection database, String table) throws SQLException {
        try (PreparedStatement statement = database.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static boolean exists(Connection database, String table) throws SQLException {
        try (PreparedStatement statement = database.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static boolean holds(Connection database, String table, String eventId) throws SQLException {
        try (PreparedStatement statement = database.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM " + table + " WHERE event_id = ?)")) {
            statement.setString(1, eventId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static List<String> eventIds(Connection database, String table) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement statement = database.prepareStatement(
                "SELECT event_id FROM " + table + " ORDER BY transaction_id, global_id");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /**
     * Saves one event at a time to the boundary until stopped, repeating a save (same event id) that was answered
     * UNAVAILABLE (paused by the move) or FAILED_PRECONDITION (a node that has not read the move yet); any other
     * failure fails the test.
     */
    private static final class Writer {

        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final AtomicInteger saved = new AtomicInteger();
        final AtomicInteger unavailable = new AtomicInteger();
        final AtomicInteger stale = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopping;
        private final Thread thread;

        Writer(TestServer on, String name) {
            thread = Thread.ofVirtual().name("writer-" + name).start(() -> {
                while (!stopping) {
                    EventToSave event = event("Written", name);
                    try {
                        saveRetrying(on, event);
                        ids.add(event.getEventId());
                        saved.incrementAndGet();
                        Thread.sleep(10);
                    } catch (Throwable e) {
                        failure.set(e);
                        return;
                    }
                }
            });
        }

        private void saveRetrying(TestServer on, EventToSave event) throws InterruptedException {
            while (true) {
                try {
                    save(on, event);
                    return;
                } catch (StatusRuntimeException e) {
                    switch (e.getStatus().getCode()) {
                        case UNAVAILABLE -> unavailable.incrementAndGet();
                        case FAILED_PRECONDITION -> stale.incrementAndGet();
                        default -> throw e;
                    }
                    Thread.sleep(50);
                }
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join(Duration.ofSeconds(30));
            assertThat(failure.get()).as("the writer's unexpected failure").isNull();
        }
    }

    /** A catch-up subscriber that reconnects after the last event it received whenever its stream ends. */
    private static final class ResumingSubscriber implements AutoCloseable {

        final AtomicInteger reconnects = new AtomicInteger();
        private final List<Event> events = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();
        private final AtomicReference<String> duplicate = new AtomicReference<>();
        private volatile Position last = Position.newBuilder().setTransactionId(-1).setGlobalId(-1).build();
        private volatile boolean closed;
        private volatile ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> call;
        private final Thread thread;

        ResumingSubscriber(TestServer on, String boundary) {
            EventStoreGrpc.EventStoreStub stub = EventStoreGrpc.newStub(on.channel())
                    .withInterceptors(TestServer.basicAuth("admin", "changeit"));
            thread = Thread.ofVirtual().name("subscriber").start(() -> {
                while (!closed) {
                    CountDownLatch ended = new CountDownLatch(1);
                    stub.catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder()
                            .setBoundary(boundary).setSubscriberName("mover-" + UUID.randomUUID())
                            .setQuery(Query.getDefaultInstance()).setAfterPosition(last).build(), observer(ended));
                    try {
                        ended.await();
                        if (!closed) {
                            reconnects.incrementAndGet();
                            Thread.sleep(200);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private ClientResponseObserver<CatchUpSubscribeToEventStoreRequest, Event> observer(CountDownLatch ended) {
            return new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> stream) {
                    call = stream;
                }

                @Override
                public void onNext(Event event) {
                    synchronized (events) {
                        if (!seen.add(event.getEventId())) {
                            duplicate.compareAndSet(null, event.getEventId());
                        }
                        events.add(event);
                    }
                    last = event.getPosition();
                }

                @Override
                public void onError(Throwable t) {
                    ended.countDown();
                }

                @Override
                public void onCompleted() {
                    ended.countDown();
                }
            };
        }

        void awaitCount(int count) {
            StreamCollector.await(count + " events arrive (have " + size() + ")", WAIT, () -> size() >= count);
        }

        private int size() {
            synchronized (events) {
                return events.size();
            }
        }

        List<String> ids() {
            assertThat(duplicate.get()).as("an event delivered twice").isNull();
            synchronized (events) {
                return events.stream().map(Event::getEventId).toList();
            }
        }

        @Override
        public void close() {
            closed = true;
            ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> current = call;
            if (current != null) {
                current.cancel("the test is done", null);
            }
            thread.interrupt();
        }
    }
}
