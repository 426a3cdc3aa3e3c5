package io.orisun.index;

import static io.orisun.index.IndexUnderTest.boundary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.Tag;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The indexes serve the statements the event log really runs: reads, latest-by-criteria and the consistency check
 * of saves, with one tag, several tags in a criterion, and several criteria, over 100,000 events.
 */
class IndexUsageIT {

    private static final BoundarySpec LEDGER = boundary("ledger", "public");
    private static final int EVENTS = 100_000;
    private static final String TABLE = "public.ledger_orisun_es_event";
    private static final String ACCOUNT_INDEX = "ledger_account_idx";
    private static final String ORDER_INDEX = "ledger_order_id_idx";
    /** A criterion no index serves is answered by scanning the table, or the primary key with a filter. */
    private static final String PRIMARY_KEY = "ledger_orisun_es_event_pkey";
    private static final String SEQ_SCAN = "seq_scan";

    private static final Query ONE_TAG = Query.of(Criterion.of(Tag.of("account", "acc-42")));
    private static final Query SEVERAL_TAGS = Query.of(Criterion.of(Tag.of("account", "acc-42"), Tag.of("region", "r-2")));
    private static final Query SEVERAL_CRITERIA = Query.of(Criterion.of(Tag.of("account", "acc-42")),
            Criterion.of(Tag.of("order_id", "o-77")));

    private static IndexUnderTest db;

    @BeforeAll
    static void fillAndIndex() {
        db = new IndexUnderTest(LEDGER);
        // 10,000 accounts of 10 events each, 7 regions, one order per event.
        db.fill(LEDGER, EVENTS, "jsonb_build_object('account', 'acc-' || (g % 10000), 'region', 'r-' || (g % 7),"
                + " 'order_id', 'o-' || g)");
        db.indexes.create(IndexDefinition.of("ledger", "account", IndexField.text("account")));
        db.indexes.create(IndexDefinition.of("ledger", "order_id", IndexField.text("order_id")));
        // The builds scan the table; closing their sessions flushes those scans into the statistics now.
        db.admin.close();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void explain_shows_index_scans_on_the_created_indexes_for_reads_and_checks() {
        for (Direction direction : Direction.values()) {
            assertIndexScans(db.log.explainRead(read(ONE_TAG, direction)), ACCOUNT_INDEX);
            assertIndexScans(db.log.explainRead(read(SEVERAL_TAGS, direction)), ACCOUNT_INDEX);
            assertIndexScans(db.log.explainRead(read(SEVERAL_CRITERIA, direction)), ACCOUNT_INDEX, ORDER_INDEX);
        }
        assertIndexScans(db.log.explainCheck("ledger", ONE_TAG), ACCOUNT_INDEX);
        assertIndexScans(db.log.explainCheck("ledger", SEVERAL_TAGS), ACCOUNT_INDEX);
        assertIndexScans(db.log.explainCheck("ledger", SEVERAL_CRITERIA), ACCOUNT_INDEX, ORDER_INDEX);
    }

    @Test
    void the_statements_the_event_log_runs_use_the_indexes_and_never_scan_the_whole_log() {
        awaitNoSessions("index-admin");
        Map<String, Long> before = awaitSettled(counters -> true);

        try (HikariDataSource writes = db.pool("usage-probe", 2);
             HikariDataSource reads = db.pool("usage-probe", 2);
             PgEventLog log = new PgEventLog(writes, reads, List.of(LEDGER), GroupCommitSettings.DEFAULTS)) {
            List<Event> oneTag = log.read(read(ONE_TAG, Direction.ASC));
            assertThat(oneTag).hasSize(10).allSatisfy(e -> assertThat(e.data()).contains("\"acc-42\""));
            assertThat(log.read(read(ONE_TAG, Direction.DESC))).hasSize(10);
            assertThat(log.read(read(SEVERAL_TAGS, Direction.ASC))).as("acc-42 is in r-2 once").hasSize(1);
            assertThat(log.read(read(SEVERAL_CRITERIA, Direction.DESC))).hasSize(11);

            LatestByCriteria latest = log.latest("ledger", SEVERAL_CRITERIA.criteria());
            Position newestOfAccount = oneTag.getLast().position();
            assertThat(latest.latest().getFirst()).hasValueSatisfying(e -> assertThat(e.position())
                    .isEqualTo(newestOfAccount));

            log.save(new SaveRequest("ledger", AppendCondition.contextAt(ONE_TAG, newestOfAccount),
                    List.of(new EventToSave("probe-1", "Debited", "{\"account\": \"acc-42\"}", "{}"))));
            Position context = log.latest("ledger", SEVERAL_CRITERIA.criteria()).contextPosition();
            log.save(new SaveRequest("ledger", AppendCondition.contextAt(SEVERAL_CRITERIA, context),
                    List.of(new EventToSave("probe-2", "Credited", "{\"account\": \"acc-42\", \"region\": \"r-2\"}",
                            "{}"))));
            context = log.latest("ledger", SEVERAL_TAGS.criteria()).contextPosition();
            log.save(new SaveRequest("ledger", AppendCondition.contextAt(SEVERAL_TAGS, context),
                    List.of(new EventToSave("probe-3", "Noted", "{\"account\": \"acc-42\", \"region\": \"r-2\"}",
                            "{}"))));
        }
        awaitNoSessions("usage-probe");
        Map<String, Long> after = awaitSettled(counters -> counters.get(ACCOUNT_INDEX) > before.get(ACCOUNT_INDEX)
                && counters.get(ORDER_INDEX) > before.get(ORDER_INDEX));

        assertThat(after.get(SEQ_SCAN)).as("sequential scans of the event table").isEqualTo(before.get(SEQ_SCAN));
        assertThat(after.get(PRIMARY_KEY)).as("filtered walks of the primary key").isEqualTo(before.get(PRIMARY_KEY));

        // The control: the same measurement does see the scan of a criterion on a key without an index.
        try (HikariDataSource writes = db.pool("usage-control", 1);
             HikariDataSource reads = db.pool("usage-control", 1);
             PgEventLog log = new PgEventLog(writes, reads, List.of(LEDGER), GroupCommitSettings.DEFAULTS)) {
            assertThat(log.read(read(Query.of(Criterion.of(Tag.of("region", "r-none"))), Direction.ASC))).isEmpty();
        }
        awaitNoSessions("usage-control");
        awaitSettled(counters -> counters.get(SEQ_SCAN) + counters.get(PRIMARY_KEY)
                > after.get(SEQ_SCAN) + after.get(PRIMARY_KEY));
    }

    private static ReadRequest read(Query query, Direction direction) {
        return new ReadRequest("ledger", query, ReadStart.edge(), direction, 100);
    }

    private static void assertIndexScans(String plan, String... indexes) {
        assertThat(plan).as(plan).doesNotContain("Seq Scan");
        for (String index : indexes) {
            assertThat(plan).as(plan).containsPattern("(Index Scan|Index Only Scan|Bitmap Index Scan)( Backward)?"
                    + " (using|on) \"?" + index + "\"?");
        }
    }

    /** Sequential scans of the event table and index scans of its primary key and both indexes, as published. */
    private static Map<String, Long> counters() {
        List<String> row = db.strings("SELECT concat_ws(',',"
                + " (SELECT seq_scan FROM pg_stat_user_tables WHERE relid = to_regclass(?)),"
                + " (SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelid = to_regclass(?)),"
                + " (SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelid = to_regclass(?)),"
                + " (SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelid = to_regclass(?)))",
                TABLE, "public." + PRIMARY_KEY, "public." + ACCOUNT_INDEX, "public." + ORDER_INDEX);
        String[] values = row.getFirst().split(",");
        return Map.of(SEQ_SCAN, Long.parseLong(values[0]), PRIMARY_KEY, Long.parseLong(values[1]),
                ACCOUNT_INDEX, Long.parseLong(values[2]), ORDER_INDEX, Long.parseLong(values[3]));
    }

    /**
     * The counters once sessions have flushed them: PostgreSQL publishes a session's statistics when it ends, or
     * when it has been idle a while. Waits until two readings a moment apart agree and satisfy {@code expected}.
     */
    private static Map<String, Long> awaitSettled(Predicate<Map<String, Long>> expected) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<String, Long> previous = counters();
        while (System.nanoTime() < deadline) {
            pause();
            Map<String, Long> current = counters();
            if (current.equals(previous) && expected.test(current)) {
                return current;
            }
            previous = current;
        }
        return fail("the statistics did not settle as expected; last reading " + previous);
    }

    /** Waits until no session of the pool named {@code applicationName} is left, so that each has flushed. */
    private static void awaitNoSessions(String applicationName) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (db.number("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", applicationName) > 0) {
            if (System.nanoTime() > deadline) {
                fail("sessions of " + applicationName + " are still open");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
