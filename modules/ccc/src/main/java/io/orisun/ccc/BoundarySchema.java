package io.orisun.ccc;

import io.orisun.api.AdvisoryLock;
import io.orisun.api.BoundarySpec;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.OrisunException;
import io.orisun.api.SqlCondition;
import io.orisun.api.Unavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and upgrades the tables and functions of one boundary: its schema if missing, then this module's
 * versioned migrations ({@code io/orisun/ccc/V*__*.sql}), with a Flyway history table of its own,
 * {@code "<boundary>_orisun_schema_history"}, in the boundary's schema. Several boundaries can share a schema.
 */
public final class BoundarySchema {

    private static final System.Logger LOG = System.getLogger(BoundarySchema.class.getName());
    private static final String LOCATION = "classpath:io/orisun/ccc";

    private BoundarySchema() {
    }

    /**
     * Brings the boundary's objects to the newest version. It is idempotent, and safe to run from several threads
     * or nodes at once: runs for the same boundary are serialized by a session advisory lock, and a concurrent
     * creation of a shared schema is tolerated. It uses one connection of {@code admin}, which needs the right to
     * create schemas (or the schema must exist) and tables.
     *
     * @throws Unavailable        when the database cannot be reached
     * @throws FailedPrecondition when a migration fails, for instance for lack of privileges or because the
     *                            recorded history does not match this version's migrations
     */
    @SuppressWarnings("try") // the migration lock guards a block that has no use for its handle
    public static void apply(DataSource admin, BoundarySpec boundary) {
        BoundaryTables tables = BoundaryTables.of(boundary);
        String lockName = boundary.schema() + "." + boundary.name() + "#migrate";
        try (Connection connection = admin.getConnection()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            if (isCurrent(connection, boundary)) {
                LOG.log(System.Logger.Level.DEBUG, "boundary {0} in schema {1} is at version {2}: nothing to migrate",
                        boundary.name(), boundary.schema(), MigrationScripts.history().getLast().version());
                return;
            }
            try (AdvisoryLock lock = AdvisoryLock.acquire(connection, lockName)) {
                createSchema(connection, boundary);
                migrate(connection, boundary);
            }
        } catch (SQLException e) {
            throw migrationFailure(e, tables);
        }
    }

    /**
     * The cheap check before Flyway, whose set-up, scan and validation cost more than the rest of a warm start-up:
     * true only when the boundary's history holds exactly this version's migrations, in order, each successful and
     * with the recorded description, script and checksum (a baseline row aside). Anything else (no history yet, a
     * version behind or ahead, a failed or edited migration) answers false, and Flyway then migrates or reports as
     * it always did. Rows appear only when their migration's transaction commits, so a concurrent migration by
     * another node is never seen half done.
     */
    static boolean isCurrent(Connection connection, BoundarySpec boundary) throws SQLException {
        String history = BoundarySpec.quote(boundary.schema()) + "." + BoundarySpec.quote(historyTable(boundary));
        try (PreparedStatement exists = connection.prepareStatement(SchemaStatements.HISTORY_EXISTS)) {
            exists.setString(1, history);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return false;
                }
            }
        }
        List<MigrationScripts.Applied> expected = MigrationScripts.history();
        List<MigrationScripts.Applied> recorded = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(SchemaStatements.HISTORY.formatted(history))) {
            while (rs.next()) {
                boolean baseline = "BASELINE".equals(rs.getString("type"));
                if (!rs.getBoolean("success") || !baseline && !"SQL".equals(rs.getString("type"))) {
                    return false;
                }
                int checksum = rs.getInt("checksum");
                if (!baseline) {
                    recorded.add(new MigrationScripts.Applied(rs.getString("version"), rs.getString("description"),
                            rs.getString("script"), rs.wasNull() ? 0 : checksum));
                }
            }
        }
        return recorded.equals(expected);
    }

    private static String historyTable(BoundarySpec boundary) {
        return boundary.name() + "_orisun_schema_history";
    }

    private static void createSchema(Connection connection, BoundarySpec boundary) throws SQLException {
        String sql = SchemaStatements.CREATE_SCHEMA.formatted(BoundarySpec.quote(boundary.schema()));
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            // IF NOT EXISTS does not hold against a concurrent creation by another boundary of the same schema:
            // the loser fails with a duplicate schema (42P06) or a unique violation on the catalog (23505).
            SqlCondition condition = SqlCondition.of(e);
            if (condition != SqlCondition.DUPLICATE_OBJECT && condition != SqlCondition.UNIQUE_VIOLATION) {
                throw e;
            }
        }
    }

    private static void migrate(Connection connection, BoundarySpec boundary) {
        Flyway flyway = Flyway.configure(BoundarySchema.class.getClassLoader())
                .dataSource(new PinnedConnection(connection))
                .locations(LOCATION)
                .resourceProvider(new MigrationScripts())
                .javaMigrationClassProvider(List::of)
                .defaultSchema(boundary.schema())
                .schemas(boundary.schema())
                .createSchemas(false)
                .table(historyTable(boundary))
                .placeholders(Map.of(
                        "schema", BoundarySpec.quote(boundary.schema()),
                        "boundary", boundary.name(),
                        "lockName", boundary.schema() + "." + boundary.name()))
                // A second boundary in a shared schema finds the schema non-empty; baselining at 0 (not the default
                // 1) keeps its V1 from being skipped.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .cleanDisabled(true)
                .load();
        try {
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.log(System.Logger.Level.INFO, "boundary {0} in schema {1} migrated to version {2}",
                        boundary.name(), boundary.schema(), result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new FailedPrecondition("migrating boundary " + boundary.name() + " in schema " + boundary.schema()
                    + " failed: " + e.getMessage(), e);
        }
    }

    private static OrisunException migrationFailure(SQLException e, BoundaryTables tables) {
        String state = SqlCondition.sqlState(e).orElse("none");
        if (SqlFailure.isConnectionLevel(e)) {
            return new Unavailable("the database could not be reached while migrating boundary " + tables.boundary()
                    + " (SQLSTATE " + state + ")", e);
        }
        return new FailedPrecondition("preparing the migration of boundary " + tables.boundary() + " in schema "
                + tables.spec().schema() + " failed (SQLSTATE " + state + ")", e);
    }
}
