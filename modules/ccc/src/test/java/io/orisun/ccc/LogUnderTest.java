package io.orisun.ccc;

import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.LogObserver;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A fresh database with migrated boundaries and a {@link PgEventLog} over them, for one test class. The writer
 * pool is small on purpose: group commit needs one connection per boundary.
 */
final class LogUnderTest implements AutoCloseable {

    final PostgresFixture.Database database;
    final HikariDataSource writes;
    final HikariDataSource reads;
    final PgEventLog log;
    private final Map<String, BoundarySpec> boundaries = new LinkedHashMap<>();
    private final List<AutoCloseable> otherNodes = new ArrayList<>();

    LogUnderTest(GroupCommitSettings settings, BoundarySpec... specs) {
        this(settings, LogObserver.NONE, PgEventLog.DEFAULT_READ_BUDGET, specs);
    }

    LogUnderTest(GroupCommitSettings settings, LogObserver observer, Duration readBudget, BoundarySpec... specs) {
        database = PostgresFixture.shared().newDatabase();
        writes = database.pool(4);
        reads = database.pool(8);
        for (BoundarySpec spec : specs) {
            BoundarySchema.apply(writes, spec);
            boundaries.put(spec.name(), spec);
        }
        log = new PgEventLog(writes, reads, List.of(specs), settings, observer, readBudget);
    }

    LogUnderTest(BoundarySpec... specs) {
        this(GroupCommitSettings.DEFAULTS, specs);
    }

    /**
     * Another event log over the same database with pools of its own, as a second server process would have:
     * only the database serializes its writers with this one's.
     */
    PgEventLog anotherNode() {
        HikariDataSource nodeWrites = database.pool(4);
        HikariDataSource nodeReads = database.pool(4);
        PgEventLog node = new PgEventLog(nodeWrites, nodeReads, boundaries.values(), GroupCommitSettings.DEFAULTS);
        otherNodes.add(nodeReads);
        otherNodes.add(nodeWrites);
        otherNodes.add(node);
        return node;
    }

    static BoundarySpec boundary(String name, String schema) {
        return new BoundarySpec(name, schema, "");
    }

    static EventToSave event(String id, String type, String data) {
        return new EventToSave(id, type, data, "{}");
    }

    SaveResult append(String boundary, EventToSave... events) {
        return log.save(new SaveRequest(boundary, AppendCondition.none(), List.of(events)));
    }

    SaveResult appendIf(String boundary, Query context, io.orisun.api.Position expected, EventToSave... events) {
        return log.save(new SaveRequest(boundary, AppendCondition.contextAt(context, expected), List.of(events)));
    }

    /** Starts a save on a new thread; its outcome (or failure) completes the future. */
    CompletableFuture<SaveResult> appendAsync(SaveRequest request) {
        CompletableFuture<SaveResult> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(log.save(request));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Every event of the boundary matching the query, oldest first, read page by page. */
    List<Event> readAll(String boundary, Query query) {
        List<Event> all = new ArrayList<>();
        ReadStart start = ReadStart.edge();
        while (true) {
            List<Event> page = log.read(new ReadRequest(boundary, query, start, Direction.ASC, 1000));
            all.addAll(page);
            if (page.size() < 1000) {
                return all;
            }
            start = ReadStart.after(page.getLast().position());
        }
    }

    List<Event> readAll(String boundary) {
        return readAll(boundary, Query.all());
    }

    /**
     * Takes the boundary's writer lock in a transaction of its own, as a save would, until released. Saves queue
     * behind it; releasing commits and lets them through.
     */
    HeldLock holdWriterLock(String boundary) throws SQLException {
        BoundaryTables tables = BoundaryTables.of(boundaries.get(boundary));
        Connection connection = database.connect();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + tables.writerLockKey() + "())");
        }
        return new HeldLock(connection);
    }

    record HeldLock(Connection connection) {
        void release() throws SQLException {
            try (connection) {
                connection.commit();
            }
        }
    }

    /** Waits until {@code sessions} sessions wait for an advisory lock, that is, a flush is blocked on the lock. */
    void awaitLockWaiters(int sessions) {
        awaitTrue("sessions waiting for an advisory lock: " + sessions, () -> query(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == sessions);
    }

    void awaitQueued(String boundary, int saves) {
        awaitTrue("saves queued for " + boundary + ": " + saves, () -> log.queued(boundary) == saves);
    }

    /** Waits for a state that other threads bring about; the limit only keeps a broken test from hanging. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Runs a statement that returns nothing, such as DDL. */
    void execute(String sql) {
        try (Connection connection = database.connect();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The qualified name of the boundary's event table. */
    String events(String boundary) {
        return BoundaryTables.of(boundaries.get(boundary)).events();
    }

    /** Runs a query that returns one number. */
    long query(String sql) {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The transaction that wrote each event, by event id: equal ids mean one commit. */
    Map<String, String> writingTransactions(String boundary) {
        BoundaryTables tables = BoundaryTables.of(boundaries.get(boundary));
        Map<String, String> byEvent = new LinkedHashMap<>();
        try (Connection connection = database.connect();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT event_id, xmin::text FROM " + tables.events()
                     + " ORDER BY transaction_id, global_id")) {
            while (rows.next()) {
                byEvent.put(rows.getString(1), rows.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return byEvent;
    }

    @Override
    public void close() {
        for (AutoCloseable node : otherNodes.reversed()) {
            try {
                node.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        log.close();
        writes.close();
        reads.close();
    }
}
