package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Durable consumers against a real server, with a real PostgreSQL database of their own as the application's
 * DataSource: the projection and the checkpoint commit together, so a consumer stopped or failing at any point
 * resumes without losing or repeating an event, also across a server restart.
 */
class DurableConsumerIT {

    private static final String BOUNDARY = ClientTestServer.BOUNDARY;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static ClientTestServer server;
    private static OrisunClient client;
    private static HikariDataSource projectionDb;

    @BeforeAll
    static void start() {
        server = ClientTestServer.start();
        client = server.client().build();
        projectionDb = PostgresFixture.shared().newDatabase().pool(4);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        projectionDb.close();
    }

    @BeforeEach
    void freshProjection() throws SQLException {
        try (Connection connection = projectionDb.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS projected");
            statement.execute("CREATE TABLE projected (seq bigserial PRIMARY KEY, event_id text NOT NULL, "
                    + "transaction_id bigint NOT NULL, global_id bigint NOT NULL)");
        }
    }

    @Test
    void a_consumer_that_crashes_then_is_stopped_mid_stream_resumes_without_loss_or_duplication() throws Exception {
        String kind = "crash-" + System.nanoTime();
        Query query = Query.of("kind", kind);
        append(kind, 0, 120);
        List<Position> firstPart = logged(kind);

        AtomicInteger seen = new AtomicInteger();
        DurableConsumer crashing = client.consume(BOUNDARY, "projection-" + kind, query, projectionDb, (event, connection) -> {
            project(event, connection);
            if (seen.incrementAndGet() == 60) {
                throw new IllegalStateException("simulated crash after writing the projection of " + event.eventId());
            }
        });
        assertThat(crashing.awaitStop(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(crashing.failure()).get().extracting(Throwable::getMessage).asString().contains("simulated crash");
        assertThat(projectedCount()).as("the crashed event's write was rolled back").isEqualTo(59);
        assertThat(crashing.checkpoint()).isEqualTo(firstPart.get(58));

        DurableConsumer stopped = client.consume(BOUNDARY, "projection-" + kind, query, projectionDb, DurableConsumerIT::project);
        Thread producer = Thread.ofVirtual().start(() -> append(kind, 120, 180));
        await(() -> stopped.applied() >= 80, "the second instance applied 80 events");
        stopped.close();
        producer.join();
        assertThat(stopped.isRunning()).isFalse();
        List<Position> written = logged(kind);
        assertThat(written).hasSize(180);

        DurableConsumer resumed = client.consume(BOUNDARY, "projection-" + kind, query, projectionDb, DurableConsumerIT::project);
        Position last = written.getLast();
        await(() -> resumed.checkpoint().equals(last), "the third instance reached the last event");
        resumed.close();

        assertExactlyOnceInOrder(written);
        assertThat(checkpointOf("projection-" + kind)).isEqualTo(last);
    }

    @Test
    void a_consumer_and_the_client_carry_on_after_the_server_restarts() throws Exception {
        String kind = "restart-" + System.nanoTime();
        Query query = Query.of("kind", kind);
        append(kind, 0, 40);
        Position beforeRestart = logged(kind).getLast();
        List<Position> written;
        try (OrisunClient idle = server.client().targets("localhost:" + server.port()).build();
             DurableConsumer consumer = client.consume(BOUNDARY, "projection-" + kind, query, projectionDb,
                DurableConsumerIT::project)) {
            idle.ping();
            await(() -> consumer.checkpoint().equals(beforeRestart), "the consumer applied the first events");

            server.restart();
            append(kind, 40, 80);
            written = logged(kind);
            assertThat(written).hasSize(80);
            Position last = written.getLast();
            await(() -> consumer.checkpoint().equals(last), "the consumer applied the events written after the restart");
            assertThat(consumer.failure()).isEmpty();
            assertThat(idle.serverInfo().nodeId()).as("a client idle during the restart reaches the new node")
                    .isEqualTo(server.nodeId());
        }
        assertExactlyOnceInOrder(written);
    }

    @Test
    void two_instances_of_one_consumer_apply_each_event_once_between_them() throws Exception {
        String kind = "twins-" + System.nanoTime();
        Query query = Query.of("kind", kind);
        // A second node, so that the server allows a live subscription per node under the same name.
        try (ClientTestServer sibling = server.sibling();
             OrisunClient other = OrisunClient.builder().target("127.0.0.1", sibling.port())
                     .credentials("admin", "changeit").build()) {
            DurableConsumer first = client.consume(BOUNDARY, "projection-" + kind, query, projectionDb,
                    DurableConsumerIT::project);
            DurableConsumer second = other.consume(BOUNDARY, "projection-" + kind, query, projectionDb,
                    DurableConsumerIT::project);
            append(kind, 0, 100);
            List<Position> written = logged(kind);
            await(() -> first.checkpoint().equals(written.getLast()) && second.checkpoint().equals(written.getLast()),
                    "both instances reached the last event");
            first.close();
            second.close();
            assertExactlyOnceInOrder(written);
            assertThat(first.applied() + second.applied()).isEqualTo(100);
        }
    }

    @Test
    void the_readme_projection_fills_its_table_once_per_order() throws Exception {
        try (Connection connection = projectionDb.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (order_id text PRIMARY KEY, amount int NOT NULL)");
        }
        client.append(BOUNDARY, List.of(
                EventToSave.of("order-1001", "OrderPlaced", "{\"order_id\": \"1001\", \"amount\": 250}"),
                EventToSave.of("order-1002", "OrderPlaced", "{\"order_id\": \"1002\", \"amount\": 40}")));
        try (DurableConsumer orders = io.orisun.client.example.OrderProjection.start(client, projectionDb)) {
            await(() -> orders.applied() == 2, "both orders were projected");
        }
        try (DurableConsumer again = io.orisun.client.example.OrderProjection.start(client, projectionDb)) {
            client.append(BOUNDARY, List.of(EventToSave.of("order-1003", "OrderPlaced",
                    "{\"order_id\": \"1003\", \"amount\": 5}")));
            await(() -> again.applied() == 1, "the restarted projection applied only the new order");
        }
        try (Connection connection = projectionDb.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT string_agg(order_id || '=' || amount, ',' ORDER BY order_id) FROM orders")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("1001=250,1002=40,1003=5");
        }
    }

    @Test
    void a_consumer_of_an_unknown_boundary_stops_with_the_servers_refusal() throws Exception {
        DurableConsumer consumer = client.consume("no_such_boundary", "projection-nowhere", Query.all(), projectionDb,
                DurableConsumerIT::project);
        assertThat(consumer.awaitStop(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(consumer.failure()).get().isInstanceOfSatisfying(OrisunClientException.class,
                e -> assertThat(e.code()).isIn(io.grpc.Status.Code.NOT_FOUND, io.grpc.Status.Code.INVALID_ARGUMENT));
    }

    private static void project(Event event, Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO projected (event_id, transaction_id, global_id) VALUES (?, ?, ?)")) {
            insert.setString(1, event.eventId());
            insert.setLong(2, event.position().transactionId());
            insert.setLong(3, event.position().globalId());
            insert.executeUpdate();
        }
    }

    /** Appends events {@code from} to {@code to} (exclusive) of {@code kind}, in batches of ten. */
    private static void append(String kind, int from, int to) {
        for (int start = from; start < to; start += 10) {
            List<EventToSave> batch = new ArrayList<>();
            for (int n = start; n < Math.min(start + 10, to); n++) {
                batch.add(EventToSave.of(kind + "-" + n, "Tick", "{\"kind\": \"" + kind + "\", \"n\": " + n + "}"));
            }
            client.append(BOUNDARY, batch);
        }
    }

    /** The positions of every event of {@code kind} in the log, in order. */
    private static List<Position> logged(String kind) {
        return client.read(BOUNDARY, Query.of("kind", kind)).stream().map(Event::position).toList();
    }

    private static void assertExactlyOnceInOrder(List<Position> written) throws SQLException {
        List<Position> projected = new ArrayList<>();
        try (Connection connection = projectionDb.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT transaction_id, global_id FROM projected ORDER BY seq")) {
            while (rows.next()) {
                projected.add(new Position(rows.getLong(1), rows.getLong(2)));
            }
        }
        assertThat(projected).as("every event projected once, in log order").containsExactlyElementsOf(written);
    }

    private static long projectedCount() throws SQLException {
        try (Connection connection = projectionDb.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM projected")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Position checkpointOf(String name) throws SQLException {
        try (Connection connection = projectionDb.getConnection();
             PreparedStatement read = connection.prepareStatement(
                     "SELECT transaction_id, global_id FROM orisun_consumer_checkpoint"
                             + " WHERE boundary = ? AND consumer_name = ?")) {
            read.setString(1, BOUNDARY);
            read.setString(2, name);
            try (ResultSet row = read.executeQuery()) {
                assertThat(row.next()).isTrue();
                return new Position(row.getLong(1), row.getLong(2));
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - giveUp > 0) {
                // Where the consumers are, for the failure report.
                Thread.getAllStackTraces().forEach((thread, stack) -> {
                    if (thread.getName().startsWith("orisun-consumer")) {
                        System.err.println(thread + "\n  " + Arrays.stream(stack).map(String::valueOf)
                                .collect(Collectors.joining("\n  ")));
                    }
                });
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
