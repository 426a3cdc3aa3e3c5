package io.orisun.auth;

import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.BoundarySpec;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.testsupport.PostgresFixture;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A fresh database with a migrated admin boundary, and directories over it as separate server nodes would run
 * them: each with its own pools, event log and caches, sharing only PostgreSQL.
 */
final class Nodes implements AutoCloseable {

    static final BoundarySpec ADMIN = new BoundarySpec("orisun_admin", "admin", "");

    final PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    Nodes() {
        try (HikariDataSource pool = database.pool(2)) {
            BoundarySchema.apply(pool, ADMIN);
        }
    }

    /** The event log a node would have. */
    PgEventLog log() {
        HikariDataSource pool = database.pool(4);
        resources.push(pool);
        PgEventLog log = new PgEventLog(pool, pool, List.of(ADMIN), GroupCommitSettings.DEFAULTS);
        resources.push(log);
        return log;
    }

    /** A node's directory with the default administrator, a 24 h session and the given refresh interval. */
    UserDirectory start(Duration refreshInterval, InstantSource clock) {
        HikariDataSource pool = database.pool(4);
        resources.push(pool);
        PgEventLog log = new PgEventLog(pool, pool, List.of(ADMIN), GroupCommitSettings.DEFAULTS);
        resources.push(log);
        UserDirectory directory = UserDirectory.start(
                new AuthSettings(ADMIN, "admin", "changeit", Duration.ofHours(24), refreshInterval), pool, log, clock);
        resources.push(directory);
        return directory;
    }

    /** A node whose refresh runs rarely, so that tests decide when it catches up. */
    UserDirectory start() {
        return start(Duration.ofHours(1), InstantSource.system());
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a test node failed", e);
            }
        }
    }
}
