package io.orisun.index;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.EventToSave;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fresh database with migrated boundaries, the real event log over them, and an {@link IndexAdmin} with a pool
 * of its own, for one test class or test.
 */
final class IndexUnderTest implements AutoCloseable {

    final PostgresFixture.Database database;
    final HikariDataSource admin;
    final HikariDataSource writes;
    final HikariDataSource reads;
    final PgEventLog log;
    final IndexAdmin indexes;

    IndexUnderTest(BoundarySpec... specs) {
        database = PostgresFixture.shared().newDatabase();
        admin = pool("index-admin", 4);
        writes = pool("event-log-writes", 4);
        reads = pool("event-log-reads", 4);
        for (BoundarySpec spec : specs) {
            BoundarySchema.apply(admin, spec);
        }
        log = new PgEventLog(writes, reads, List.of(specs), GroupCommitSettings.DEFAULTS);
        indexes = new IndexAdmin(admin, List.of(specs));
    }

    /** A pool whose sessions carry {@code applicationName}, so that tests can tell them apart in the server. */
    HikariDataSource pool(String applicationName, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl() + "?ApplicationName=" + applicationName);
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName(applicationName);
        return new HikariDataSource(config);
    }

    static BoundarySpec boundary(String name, String schema) {
        return new BoundarySpec(name, schema, "");
    }

    SaveResult save(String boundary, String eventId, String type, String data) {
        return log.save(new SaveRequest(boundary, AppendCondition.none(),
                List.of(new EventToSave(eventId, type, data, "{}"))));
    }

    /**
     * Appends {@code count} events to an empty boundary in one statement, each its own save, with the payload
     * {@code dataSql}, a SQL expression over the event number {@code g} (0, 1, ...). Keeps the head row right, so
     * that the event log carries on after them.
     */
    void fill(BoundarySpec boundary, int count, String dataSql) {
        String table = "\"" + boundary.schema() + "\".\"" + boundary.name() + "_orisun_es_event\"";
        String head = "\"" + boundary.schema() + "\".\"" + boundary.name() + "_orisun_es_head\"";
        execute("INSERT INTO " + table + " (transaction_id, global_id, event_id, event_type, data, metadata)"
                + " SELECT g + 1, g, 'fill-' || g, 'Filled', " + dataSql + ", '{}'::jsonb"
                + " FROM generate_series(0, " + (count - 1) + ") AS g");
        execute("UPDATE " + head + " SET transaction_id = " + count + ", global_id = " + (count - 1)
                + ", event_count = " + count);
    }

    void execute(String sql) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The first column of every row. */
    List<String> strings(String sql, Object... parameters) {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    long number(String sql, Object... parameters) {
        return Long.parseLong(strings(sql, parameters).getFirst());
    }

    /** Whether the named index exists in the schema, and if so whether it is valid. */
    Optional<Boolean> indexValidity(String schema, String physicalName) {
        List<String> rows = strings("SELECT i.indisvalid::text FROM pg_index i WHERE i.indexrelid = to_regclass(?)",
                "\"" + schema + "\".\"" + physicalName + "\"");
        return rows.isEmpty() ? Optional.empty() : Optional.of(Boolean.parseBoolean(rows.getFirst()));
    }

    /** The invalid indexes on a boundary's event table: what a failed concurrent build would leave. */
    long invalidIndexes(BoundarySpec boundary) {
        return number("SELECT count(*) FROM pg_index WHERE indrelid = to_regclass(?) AND NOT indisvalid",
                "\"" + boundary.schema() + "\".\"" + boundary.name() + "_orisun_es_event\"");
    }

    /**
     * The ids of the events that the partial index's stored predicate admits: exactly the events the index holds.
     * The predicate comes from PostgreSQL's own catalog, not from the code under test.
     */
    List<String> admittedBy(BoundarySpec boundary, String physicalName) {
        String predicate = strings("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = to_regclass(?)",
                "\"" + boundary.schema() + "\".\"" + physicalName + "\"").getFirst();
        return strings("SELECT event_id FROM \"" + boundary.schema() + "\".\"" + boundary.name() + "_orisun_es_event\""
                + " WHERE " + predicate + " ORDER BY event_id");
    }

    @Override
    public void close() {
        log.close();
        writes.close();
        reads.close();
        admin.close();
    }
}
