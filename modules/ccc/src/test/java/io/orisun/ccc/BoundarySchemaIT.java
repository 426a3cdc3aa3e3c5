package io.orisun.ccc;

import static io.orisun.ccc.LogUnderTest.boundary;
import static io.orisun.ccc.LogUnderTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.AlreadyExists;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Event;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.Position;
import io.orisun.api.SaveRequest;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Creating boundaries: shared and separate schemas, repeated and concurrent migrations, runtime additions. */
class BoundarySchemaIT {

    @Test
    void boundaries_in_one_schema_and_in_another_schema_keep_their_events_apart() {
        BoundarySpec orders = boundary("orders", "shop");
        BoundarySpec payments = boundary("payments", "shop");
        BoundarySpec audit = boundary("orders", "audit_trail");
        try (LogUnderTest db = new LogUnderTest(orders, payments)) {
            BoundarySchema.apply(db.writes, audit);
            db.append("orders", event("o-1", "Placed", "{}"), event("o-2", "Placed", "{}"));
            db.append("payments", event("p-1", "Paid", "{}"));

            assertThat(db.readAll("orders")).extracting(Event::eventId).containsExactly("o-1", "o-2");
            assertThat(db.readAll("payments")).extracting(Event::eventId).containsExactly("p-1");
            assertThat(db.readAll("payments").getFirst().position()).as("each boundary numbers its own events")
                    .isEqualTo(new Position(1, 0));

            // The same boundary name in another schema is a different log.
            try (PgEventLog other = new PgEventLog(db.writes, db.reads, List.of(audit), GroupCommitSettings.DEFAULTS)) {
                assertThat(other.count("orders")).isZero();
                other.save(new SaveRequest("orders", AppendCondition.none(), List.of(event("a-1", "Seen", "{}"))));
                assertThat(other.count("orders")).isEqualTo(1);
            }
            assertThat(db.log.count("orders")).isEqualTo(2);
            assertThat(db.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'shop'"
                    + " AND table_name LIKE 'payments\\_%'")).as("payments' own tables").isEqualTo(5);
        }
    }

    @Test
    void migrating_again_changes_nothing_and_keeps_the_events() throws Exception {
        BoundarySpec spec = boundary("again", "public");
        try (LogUnderTest db = new LogUnderTest(spec)) {
            db.append("again", event("g-1", "T", "{}"));
            BoundarySchema.apply(db.writes, spec);
            BoundarySchema.apply(db.writes, spec);

            assertThat(db.readAll("again")).extracting(Event::eventId).containsExactly("g-1");
            assertThat(db.query("SELECT count(*) FROM public.again_orisun_schema_history WHERE version = '1'"
                    + " AND success")).isEqualTo(1);
            assertThat(db.log.head("again")).isEqualTo(new Position(1, 0));
        }
    }

    @Test
    void a_boundary_at_the_newest_version_is_recognised_from_its_history_alone() throws Exception {
        BoundarySpec first = boundary("checked", "shared_check");
        BoundarySpec second = boundary("checked_too", "shared_check");
        try (LogUnderTest db = new LogUnderTest(first, second);
             Connection connection = db.writes.getConnection()) {
            assertThat(BoundarySchema.isCurrent(connection, first))
                    .as("the checksums computed here are the ones Flyway recorded").isTrue();
            assertThat(db.query("SELECT count(*) FROM shared_check.checked_too_orisun_schema_history"
                    + " WHERE type = 'BASELINE'")).as("the second boundary of a shared schema has a baseline row").isEqualTo(1);
            assertThat(BoundarySchema.isCurrent(connection, second)).isTrue();
            assertThat(BoundarySchema.isCurrent(connection, boundary("never_migrated", "shared_check"))).isFalse();
            assertThat(BoundarySchema.isCurrent(connection, boundary("never_migrated", "no_such_schema"))).isFalse();
        }
    }

    @Test
    void a_history_one_version_behind_is_brought_to_the_newest_version_by_flyway() throws Exception {
        BoundarySpec spec = boundary("behind", "public");
        String newest = MigrationScripts.history().getLast().version();
        try (LogUnderTest db = new LogUnderTest(spec)) {
            db.append("behind", event("b-1", "T", "{}"));
            // As if the newest migration had never run: its history row and the setting it gives the save function
            // are gone.
            execute(db, "DELETE FROM public.behind_orisun_schema_history WHERE version = '" + newest + "'");
            execute(db, "ALTER FUNCTION public.behind_orisun_save_batch RESET ALL");
            try (Connection connection = db.writes.getConnection()) {
                assertThat(BoundarySchema.isCurrent(connection, spec)).isFalse();
            }

            BoundarySchema.apply(db.writes, spec);

            assertThat(db.query("SELECT count(*) FROM public.behind_orisun_schema_history WHERE version = '"
                    + newest + "' AND success")).as("the newest migration ran again").isEqualTo(1);
            assertThat(db.query("SELECT count(*) FROM pg_proc WHERE proname = 'behind_orisun_save_batch'"
                    + " AND proconfig @> ARRAY['plan_cache_mode=force_generic_plan']"))
                    .as("the save function has its setting back").isEqualTo(1);
            try (Connection connection = db.writes.getConnection()) {
                assertThat(BoundarySchema.isCurrent(connection, spec)).isTrue();
            }
            db.append("behind", event("b-2", "T", "{}"));
            assertThat(db.readAll("behind")).extracting(Event::eventId).containsExactly("b-1", "b-2");
        }
    }

    @Test
    void an_applied_migration_whose_checksum_differs_still_fails_flyway_validation() throws Exception {
        BoundarySpec spec = boundary("edited", "public");
        try (LogUnderTest db = new LogUnderTest(spec)) {
            execute(db, "UPDATE public.edited_orisun_schema_history SET checksum = checksum + 1 WHERE version = '1'");

            assertThatThrownBy(() -> BoundarySchema.apply(db.writes, spec)).isInstanceOf(FailedPrecondition.class)
                    .hasMessageContaining("edited").hasMessageContaining("checksum");
        }
    }

    @Test
    void a_failed_migration_in_the_history_is_not_taken_for_the_newest_version() throws Exception {
        BoundarySpec spec = boundary("failed_once", "public");
        try (LogUnderTest db = new LogUnderTest(spec)) {
            execute(db, "UPDATE public.failed_once_orisun_schema_history SET success = false WHERE version = '2'");
            try (Connection connection = db.writes.getConnection()) {
                assertThat(BoundarySchema.isCurrent(connection, spec)).isFalse();
            }
            assertThatThrownBy(() -> BoundarySchema.apply(db.writes, spec)).isInstanceOf(FailedPrecondition.class);
        }
    }

    private static void execute(LogUnderTest db, String sql) throws Exception {
        try (Connection connection = db.writes.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void migrating_the_same_boundaries_from_many_threads_at_once_is_harmless() throws Exception {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        List<BoundarySpec> specs = List.of(boundary("racing_a", "fresh_schema"), boundary("racing_b", "fresh_schema"));
        int threads = 8;
        try (HikariDataSource pool = database.pool(threads);
             ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                BoundarySpec spec = specs.get(i % 2);
                runs.add(executor.submit(() -> {
                    start.await();
                    BoundarySchema.apply(pool, spec);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            try (PgEventLog log = new PgEventLog(pool, pool, specs, GroupCommitSettings.DEFAULTS);
                 Connection connection = database.connect();
                 Statement statement = connection.createStatement()) {
                for (BoundarySpec spec : specs) {
                    ResultSet rows = statement.executeQuery("SELECT count(*) FILTER (WHERE version = '1'),"
                            + " count(*) FILTER (WHERE NOT success) FROM fresh_schema." + spec.name()
                            + "_orisun_schema_history");
                    rows.next();
                    assertThat(rows.getInt(1)).as("V1 applied once to " + spec.name()).isEqualTo(1);
                    assertThat(rows.getInt(2)).as("failed runs for " + spec.name()).isZero();
                    log.save(new SaveRequest(spec.name(), AppendCondition.none(), List.of(event("x", "T", "{}"))));
                    assertThat(log.head(spec.name())).isEqualTo(new Position(1, 0));
                }
            }
        }
    }

    @Test
    void migration_leaves_the_pooled_connection_as_it_found_it() throws Exception {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        try (HikariDataSource pool = database.pool(1)) {
            BoundarySchema.apply(pool, boundary("tidy", "elsewhere"));
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                ResultSet path = statement.executeQuery("SHOW search_path");
                path.next();
                assertThat(path.getString(1)).isEqualTo("\"$user\", public");
                ResultSet locks = statement.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'");
                locks.next();
                assertThat(locks.getInt(1)).as("advisory locks left behind").isZero();
                assertThat(connection.getAutoCommit()).isTrue();
            }
        }
    }

    @Test
    void creates_the_checkpoint_tables_of_the_publisher_and_the_projections() {
        try (LogUnderTest db = new LogUnderTest(boundary("delivered", "public"))) {
            assertThat(db.query("SELECT count(*) FROM public.delivered_orisun_last_published_event_position"
                    + " WHERE transaction_id = -1 AND global_id = -1")).isEqualTo(1);
            assertThat(db.query("SELECT count(*) FROM public.delivered_projector_checkpoint")).isZero();
        }
    }

    @Test
    void a_boundary_added_at_runtime_is_served_without_a_restart() {
        try (LogUnderTest db = new LogUnderTest(boundary("first", "public"))) {
            BoundarySpec later = boundary("later", "tenants");
            assertThatThrownBy(() -> db.log.count("later")).isInstanceOf(io.orisun.api.NotFound.class);

            BoundarySchema.apply(db.writes, later);
            db.log.addBoundary(later);
            db.log.addBoundary(later);
            db.append("later", event("l-1", "T", "{}"));

            assertThat(db.log.count("later")).isEqualTo(1);
            assertThatThrownBy(() -> db.log.addBoundary(boundary("later", "public")))
                    .isInstanceOf(AlreadyExists.class);
        }
    }

    @Test
    void a_served_boundary_whose_migration_never_ran_is_a_failed_precondition() {
        try (LogUnderTest db = new LogUnderTest(boundary("present", "public"))) {
            db.log.addBoundary(boundary("ghost", "public"));
            assertThatThrownBy(() -> db.log.count("ghost")).isInstanceOf(FailedPrecondition.class)
                    .hasMessageContaining("ghost");
            assertThatThrownBy(() -> db.append("ghost", event("x", "T", "{}"))).isInstanceOf(FailedPrecondition.class)
                    .hasMessageContaining("ghost");
        }
    }
}
