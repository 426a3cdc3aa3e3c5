package io.orisun.ccc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.BudgetExceeded;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.LogObserver;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Unavailable;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A boundary's log copied from one PostgreSQL server to another, verified, and its source retired. */
class BoundaryMoveIT {

    private static final GroupCommitSettings ONE_SECOND_BUDGET = GroupCommitSettings.DEFAULTS
            .withWriteBudget(Duration.ofSeconds(1));

    private static PostgresFixture serverB;
    private static final List<AutoCloseable> OPEN = new ArrayList<>();

    @BeforeAll
    static void start_a_second_server() {
        serverB = PostgresFixture.startAnother();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : OPEN.reversed()) {
            closeable.close();
        }
        serverB.close();
    }

    /** A database on the shared server (A) and one on the second server (B), each with a pool. */
    private record Sides(PostgresFixture.Database databaseA, HikariDataSource a, HikariDataSource b) {

        /** Another pool on A, as another node has. */
        HikariDataSource anotherA() {
            HikariDataSource pool = databaseA.pool(4);
            OPEN.add(pool);
            return pool;
        }
    }

    private static Sides sides() {
        PostgresFixture.Database databaseA = PostgresFixture.shared().newDatabase();
        HikariDataSource a = databaseA.pool(6);
        HikariDataSource b = serverB.newDatabase().pool(6);
        OPEN.add(a);
        OPEN.add(b);
        return new Sides(databaseA, a, b);
    }

    private static PgEventLog log(HikariDataSource pool, BoundarySpec boundary) {
        PgEventLog log = new PgEventLog(pool, pool, List.of(boundary), ONE_SECOND_BUDGET, LogObserver.NONE,
                PgEventLog.DEFAULT_READ_BUDGET);
        OPEN.add(log);
        return log;
    }

    /** Saves {@code saves} requests of {@code perSave} events each, every event with tags and metadata of its own. */
    private static void fill(PgEventLog log, String boundary, int saves, int perSave) {
        for (int s = 0; s < saves; s++) {
            List<EventToSave> events = new ArrayList<>(perSave);
            for (int e = 0; e < perSave; e++) {
                int n = s * perSave + e;
                events.add(new EventToSave("ev-" + n, n % 3 == 0 ? "Opened" : "Deposited",
                        "{\"account\": \"acc-" + (n % 50) + "\", \"amount\": " + n + ", \"note\": \"é \\u00e9 \\\"q\\\"\"}",
                        "{\"trace\": \"t-" + n + "\"}"));
            }
            log.save(new SaveRequest(boundary, AppendCondition.none(), events));
        }
    }

    private static List<Event> readAll(PgEventLog log, String boundary) {
        List<Event> all = new ArrayList<>();
        ReadStart start = ReadStart.edge();
        while (true) {
            List<Event> page = log.read(new ReadRequest(boundary, Query.all(), start, Direction.ASC, 1000));
            all.addAll(page);
            if (page.size() < 1000) {
                return all;
            }
            start = ReadStart.after(page.getLast().position());
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String rows(HikariDataSource pool, String sql) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int i = 1; i <= columns; i++) {
                    text.append(rows.getString(i)).append(i == columns ? "\n" : "|");
                }
            }
        }
        return text.toString();
    }

    @Test
    void a_100000_event_log_is_copied_identically_and_saves_on_the_target_continue_after_its_last_position()
            throws Exception {
        BoundarySpec boundary = new BoundarySpec("move_big", "moving", "");
        Sides sides = sides();
        BoundarySchema.apply(sides.a(), boundary);
        PgEventLog source = log(sides.a(), boundary);
        long filling = System.nanoTime();
        fill(source, "move_big", 100, 1000);
        System.out.printf(Locale.ROOT, "filled 100000 events in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - filling));
        // What a publisher and a projection would have recorded on the source.
        execute(sides.a(), "UPDATE moving.\"move_big_orisun_last_published_event_position\""
                + " SET transaction_id = 99001, global_id = 99000");
        execute(sides.a(), "INSERT INTO moving.\"move_big_projector_checkpoint\" (name, transaction_id, global_id)"
                + " VALUES ('balances', 50001, 49999), ('audit', 1000, 999)");
        List<Event> before = readAll(source, "move_big");
        assertThat(before).hasSize(100_000);
        String head = "SELECT transaction_id, global_id, event_count, updated_at FROM moving.\"move_big_orisun_es_head\"";
        String checkpoint = "SELECT transaction_id, global_id, updated_at"
                + " FROM moving.\"move_big_orisun_last_published_event_position\"";
        String projectors = "SELECT * FROM moving.\"move_big_projector_checkpoint\" ORDER BY name";
        String headBefore = rows(sides.a(), head);
        String checkpointBefore = rows(sides.a(), checkpoint);
        String projectorsBefore = rows(sides.a(), projectors);

        BoundaryMove move = new BoundaryMove(boundary, sides.a(), sides.b());
        BoundaryMove.Copied copied;
        try (BoundaryMove.Pause pause = move.pause(Duration.ofSeconds(5))) {
            copied = move.copy(pause);
            System.out.printf(Locale.ROOT, "copied %d events in %d ms (%.0f events/s), verified in %d ms%n",
                    copied.events(), copied.copyTime().toMillis(), copied.eventsPerSecond(),
                    copied.verifyTime().toMillis());
            move.retireSource(pause, copied);
        }
        assertThat(copied.events()).isEqualTo(100_000);
        assertThat(copied.head()).isEqualTo(before.getLast().position());
        assertThat(copied.lastPublished()).isEqualTo(new Position(99001, 99000));
        assertThat(copied.checksum()).hasSize(64);

        PgEventLog moved = log(sides.b(), boundary);
        List<Event> after = readAll(moved, "move_big");
        assertThat(after).hasSize(before.size());
        for (int i = 0; i < before.size(); i++) {
            if (!after.get(i).equals(before.get(i))) {
                assertThat(after.get(i)).as("event %d", i).isEqualTo(before.get(i));
            }
        }
        assertThat(rows(sides.b(), head)).isEqualTo(headBefore);
        assertThat(rows(sides.b(), checkpoint)).isEqualTo(checkpointBefore);
        assertThat(rows(sides.b(), projectors)).isEqualTo(projectorsBefore);
        assertThat(moved.count("move_big")).isEqualTo(100_000);

        Position last = before.getLast().position();
        SaveResult next = moved.save(new SaveRequest("move_big", AppendCondition.contextAt(Query.all(), last),
                List.of(new EventToSave("ev-after-move", "Deposited", "{\"account\": \"acc-1\"}", "{}"))));
        assertThat(next.last()).isEqualTo(new Position(100_001, 100_000));
        assertThatThrownBy(() -> moved.save(new SaveRequest("move_big", AppendCondition.contextAt(Query.all(), last),
                List.of(new EventToSave("ev-late", "Deposited", "{}", "{}")))))
                .as("the consistency check runs on the moved log").isInstanceOf(io.orisun.api.ConsistencyViolation.class);

        assertThatThrownBy(() -> source.save(new SaveRequest("move_big", AppendCondition.none(),
                List.of(new EventToSave("ev-stale", "Deposited", "{}", "{}")))))
                .as("a node still saving to the retired source").isInstanceOf(FailedPrecondition.class);
        assertThatThrownBy(() -> readAll(source, "move_big")).isInstanceOf(FailedPrecondition.class);
    }

    @Test
    void saves_while_writes_are_paused_fail_as_unavailable_after_their_budget_write_nothing_and_go_on_after_the_pause()
            throws Exception {
        BoundarySpec boundary = new BoundarySpec("move_paused", "moving", "");
        Sides sides = sides();
        BoundarySchema.apply(sides.a(), boundary);
        PgEventLog source = log(sides.a(), boundary);
        fill(source, "move_paused", 2, 10);
        PgEventLog otherNode = log(sides.anotherA(), boundary);
        BoundaryMove move = new BoundaryMove(boundary, sides.a(), sides.b());
        try (BoundaryMove.Pause pause = move.pause(Duration.ofSeconds(5))) {
            assertThat(pause.held()).isTrue();
            CompletableFuture<SaveResult> here = CompletableFuture.supplyAsync(() -> source.save(new SaveRequest(
                    "move_paused", AppendCondition.none(), List.of(new EventToSave("p-1", "Deposited", "{}", "{}")))));
            CompletableFuture<SaveResult> there = CompletableFuture.supplyAsync(() -> otherNode.save(new SaveRequest(
                    "move_paused", AppendCondition.contextAt(Query.all(), new Position(20, 19)),
                    List.of(new EventToSave("p-2", "Deposited", "{}", "{}")))));
            long began = System.nanoTime();
            List<CompletableFuture<SaveResult>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = "q-" + i;
                queued.add(CompletableFuture.supplyAsync(() -> source.save(new SaveRequest("move_paused",
                        AppendCondition.none(), List.of(new EventToSave(id, "Deposited", "{}", "{}"))))));
            }
            List<CompletableFuture<SaveResult>> all = new ArrayList<>(queued);
            all.add(here);
            all.add(there);
            for (CompletableFuture<SaveResult> save : all) {
                assertThatThrownBy(() -> save.get(30, TimeUnit.SECONDS)).cause()
                        .isInstanceOf(Unavailable.class).hasMessageContaining("paused while it moves")
                        .hasMessageContaining("nothing of this save was written");
            }
            // A batch waiting behind the pause fails as a whole, rather than one request per budget.
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMillis(4500));
            assertThat(source.count("move_paused")).isEqualTo(20);
            assertThat(source.head("move_paused")).isEqualTo(new Position(20, 19));
        }
        SaveResult resumed = source.save(new SaveRequest("move_paused", AppendCondition.contextAt(Query.all(),
                new Position(20, 19)), List.of(new EventToSave("p-3", "Deposited", "{}", "{}"))));
        assertThat(resumed.last()).as("no position was taken by the refused saves").isEqualTo(new Position(21, 20));
        assertThat(readAll(source, "move_paused")).extracting(Event::eventId).doesNotContain("p-1", "p-2");
    }

    @Test
    void a_writer_lock_held_by_anything_but_a_move_still_fails_a_save_with_its_budget() throws Exception {
        BoundarySpec boundary = new BoundarySpec("move_slow", "moving", "");
        Sides sides = sides();
        BoundarySchema.apply(sides.a(), boundary);
        PgEventLog log = log(sides.a(), boundary);
        try (Connection other = sides.anotherA().getConnection(); Statement statement = other.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(moving.\"move_slow_orisun_writer_lock_key\"())");
            assertThatThrownBy(() -> log.save(new SaveRequest("move_slow", AppendCondition.none(),
                    List.of(new EventToSave("s-1", "Deposited", "{}", "{}")))))
                    .isInstanceOf(BudgetExceeded.class).hasMessageContaining("write budget");
            statement.execute("SELECT pg_advisory_unlock(moving.\"move_slow_orisun_writer_lock_key\"())");
        }
    }

    @Test
    void a_copy_that_differs_from_the_source_in_any_column_fails_verification() throws Exception {
        BoundarySpec boundary = new BoundarySpec("move_tamper", "moving", "");
        Sides sides = sides();
        BoundarySchema.apply(sides.a(), boundary);
        fill(log(sides.a(), boundary), "move_tamper", 3, 1000);
        BoundaryMove move = new BoundaryMove(boundary, sides.a(), sides.b(), 700, Duration.ofSeconds(10));
        String table = "moving.\"move_tamper_orisun_es_event\"";
        try (BoundaryMove.Pause pause = move.pause(Duration.ofSeconds(5))) {
            String checksum = move.copy(pause).checksum();
            assertThat(move.verify(pause)).isEqualTo(checksum);

            execute(sides.b(), "UPDATE " + table + " SET data = data || '{\"amount\": 1}' WHERE global_id = 1500");
            assertThatThrownBy(() -> move.verify(pause)).isInstanceOf(FailedPrecondition.class)
                    .hasMessageContaining("differs from the source between positions (2000, 1399) and (3000, 2099)");
            execute(sides.b(), "UPDATE " + table + " SET data = data || '{\"amount\": 1500}' WHERE global_id = 1500");
            assertThat(move.verify(pause)).as("restored").isEqualTo(checksum);

            execute(sides.b(), "UPDATE " + table + " SET date_created = date_created + interval '1 microsecond'"
                    + " WHERE global_id = 2999");
            assertThatThrownBy(() -> move.verify(pause)).isInstanceOf(FailedPrecondition.class);
            execute(sides.b(), "UPDATE " + table + " SET date_created = date_created - interval '1 microsecond'"
                    + " WHERE global_id = 2999");

            execute(sides.b(), "DELETE FROM " + table + " WHERE global_id = 0");
            assertThatThrownBy(() -> move.verify(pause)).isInstanceOf(FailedPrecondition.class);
        }
    }

    @Test
    void a_target_that_already_holds_the_boundary_is_refused_and_left_as_it_was() throws Exception {
        BoundarySpec boundary = new BoundarySpec("move_twice", "moving", "");
        Sides sides = sides();
        BoundarySchema.apply(sides.a(), boundary);
        fill(log(sides.a(), boundary), "move_twice", 1, 50);
        BoundarySchema.apply(sides.b(), boundary);
        fill(log(sides.b(), boundary), "move_twice", 1, 3);
        BoundaryMove move = new BoundaryMove(boundary, sides.a(), sides.b());
        try (BoundaryMove.Pause pause = move.pause(Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> move.copy(pause)).isInstanceOf(FailedPrecondition.class)
                    .hasMessageContaining("already holds boundary move_twice").hasMessageContaining("3 events");
        }
        assertThat(rows(sides.b(), "SELECT count(*) FROM moving.\"move_twice_orisun_es_event\"")).isEqualTo("3\n");
        assertThatThrownBy(() -> move.copy(null)).as("without a pause").isInstanceOf(FailedPrecondition.class)
                .hasMessageContaining("not paused");
    }

    @Test
    void a_failed_move_drops_only_what_it_created_on_the_target_and_can_be_tried_again() throws Exception {
        BoundarySpec boundary = new BoundarySpec("move_undo", "moving_undo", "");
        Sides sides = sides();
        BoundarySchema.apply(sides.a(), boundary);
        fill(log(sides.a(), boundary), "move_undo", 2, 100);
        BoundaryMove move = new BoundaryMove(boundary, sides.a(), sides.b());
        String schemas = "SELECT count(*) FROM pg_namespace WHERE nspname = 'moving_undo'";
        try (BoundaryMove.Pause pause = move.pause(Duration.ofSeconds(5))) {
            BoundaryMove.TargetBefore before = move.inspectTarget();
            assertThat(before).isEqualTo(new BoundaryMove.TargetBefore(false, false));
            move.copy(pause);
            assertThat(move.inspectTarget()).isEqualTo(new BoundaryMove.TargetBefore(true, true));
            // As after a step that failed past the copy: the copy goes, and with it the schema the move created.
            move.dropTarget(before);
        }
        assertThat(rows(sides.b(), schemas)).isEqualTo("0\n");
        assertThat(rows(sides.a(), "SELECT count(*) FROM moving_undo.\"move_undo_orisun_es_event\""))
                .as("the source untouched").isEqualTo("200\n");

        // A schema that held something else before keeps it; a target that held the boundary is left alone.
        execute(sides.b(), "CREATE SCHEMA moving_undo");
        execute(sides.b(), "CREATE TABLE moving_undo.other (id int)");
        try (BoundaryMove.Pause pause = move.pause(Duration.ofSeconds(5))) {
            BoundaryMove.TargetBefore before = move.inspectTarget();
            assertThat(before).isEqualTo(new BoundaryMove.TargetBefore(true, false));
            assertThat(move.copy(pause).events()).as("tried again").isEqualTo(200);
            move.dropTarget(before);
            assertThat(rows(sides.b(), "SELECT to_regclass('moving_undo.other') IS NOT NULL, "
                    + "to_regclass('moving_undo.\"move_undo_orisun_es_event\"') IS NULL, "
                    + "to_regclass('moving_undo.\"move_undo_orisun_schema_history\"') IS NULL")).isEqualTo("t|t|t\n");
            move.copy(pause);
            move.dropTarget(move.inspectTarget());
        }
        assertThat(rows(sides.b(), "SELECT count(*) FROM moving_undo.\"move_undo_orisun_es_event\""))
                .as("a target that held the boundary is left as it was").isEqualTo("200\n");
    }
}
