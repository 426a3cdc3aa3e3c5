package io.orisun.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The physical limit the event store is compared with: the same rows (event id, type, the same data and metadata
 * texts as jsonb, a creation time) inserted by plain JDBC into a scratch table with a primary key and a unique event
 * id, from the same number of threads, on the same PostgreSQL, with its durability settings untouched. Two forms:
 * one INSERT and one commit per event, and JDBC batches of N rows per commit (pgjdbc rewriting them into multi-row
 * INSERTs). There is no consistency check, no position assignment and no other index: the distance to it is what
 * the event store costs.
 *
 * <p>The scratch table {@code orisun_bench.baseline_event} is emptied before every run and dropped by
 * {@link #close()}.
 */
final class JdbcBaseline implements AutoCloseable {

    private static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS orisun_bench";
    private static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS orisun_bench.baseline_event (
                global_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id     text        NOT NULL UNIQUE,
                event_type   text        NOT NULL,
                data         jsonb       NOT NULL,
                metadata     jsonb       NOT NULL,
                date_created timestamptz NOT NULL DEFAULT clock_timestamp()
            )""";
    private static final String TRUNCATE = "TRUNCATE orisun_bench.baseline_event";
    private static final String DROP_TABLE = "DROP TABLE IF EXISTS orisun_bench.baseline_event";
    private static final String INSERT = """
            INSERT INTO orisun_bench.baseline_event (event_id, event_type, data, metadata)
            VALUES (?, ?, ?::jsonb, ?::jsonb)""";

    private final String url;
    private final String user;
    private final String password;
    private final Payload payload;
    private final String runId;

    /**
     * Creates the scratch table.
     *
     * @throws SQLException when the database cannot be reached or the user may not create the table
     */
    JdbcBaseline(String url, String user, String password, Payload payload, String runId) throws SQLException {
        this.url = url;
        this.user = user;
        this.password = password;
        this.payload = payload;
        this.runId = runId;
        try (Connection connection = connect(false); Statement statement = connection.createStatement()) {
            statement.execute(CREATE_SCHEMA);
            statement.execute(CREATE_TABLE);
        }
    }

    /** One INSERT and one commit per event, from {@code concurrency} connections. */
    Tally.Totals perEvent(int concurrency, WarmUp warmup, Duration duration) throws Exception {
        return run("jdbc-1/commit", 1, false, concurrency, warmup, duration);
    }

    /** Batches of {@code batchSize} rows, one commit each, from {@code concurrency} connections. */
    Tally.Totals batched(int batchSize, int concurrency, WarmUp warmup, Duration duration) throws Exception {
        return run("jdbc-batch-" + batchSize, batchSize, true, concurrency, warmup, duration);
    }

    private Tally.Totals run(String label, int batchSize, boolean rewrite, int concurrency, WarmUp warmup,
                             Duration duration) throws Exception {
        try (Connection connection = connect(false); Statement statement = connection.createStatement()) {
            statement.execute(TRUNCATE);
        }
        return ClosedLoop.run(label + " x" + concurrency, concurrency, warmup, duration, client -> {
            try {
                return new Inserter(connect(rewrite), label + "-" + client, batchSize);
            } catch (SQLException e) {
                throw new IllegalStateException("the baseline could not connect to " + url + ": " + e.getMessage(), e);
            }
        });
    }

    private Connection connect(boolean rewriteBatches) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("reWriteBatchedInserts", Boolean.toString(rewriteBatches));
        return DriverManager.getConnection(url, properties);
    }

    /** Drops the scratch table. */
    @Override
    public void close() throws SQLException {
        try (Connection connection = connect(false); Statement statement = connection.createStatement()) {
            statement.execute(DROP_TABLE);
        }
    }

    /** One baseline client: its own connection, outside autocommit. */
    private final class Inserter implements ClosedLoop.Client {

        private final Connection connection;
        private final PreparedStatement insert;
        private final String idPrefix;
        private final int batchSize;

        Inserter(Connection connection, String name, int batchSize) throws SQLException {
            this.connection = connection;
            this.batchSize = batchSize;
            this.idPrefix = "b-" + runId + "-" + name + "-";
            connection.setAutoCommit(false);
            this.insert = connection.prepareStatement(INSERT);
        }

        @Override
        public int call(long iteration) throws SQLException {
            String context = idPrefix + iteration;
            String data = payload.data(context);
            try {
                for (int i = 0; i < batchSize; i++) {
                    insert.setString(1, context + "-" + i);
                    insert.setString(2, Payload.EVENT_TYPE);
                    insert.setString(3, data);
                    insert.setString(4, Payload.METADATA);
                    if (batchSize == 1) {
                        insert.executeUpdate();
                    } else {
                        insert.addBatch();
                    }
                }
                if (batchSize > 1) {
                    insert.executeBatch();
                }
                connection.commit();
            } catch (SQLException e) {
                insert.clearBatch();
                connection.rollback();
                throw e;
            }
            return batchSize;
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException("closing a baseline connection failed: " + e.getMessage(), e);
            }
        }
    }
}
