package io.orisun.server;

import io.orisun.server.config.OrisunConfig;
import io.orisun.server.config.PoolConfig;
import io.orisun.server.config.PostgresConfig;
import io.orisun.embedded.EmbeddedPostgres;
import io.orisun.server.observe.NodeMetrics;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.BoundarySpec;
import io.orisun.ccc.BoundarySchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * One PostgreSQL server of the node, embedded or external, and its connection pools: {@code writes} for saves,
 * {@code reads} for reads, {@code admin} for migrations, index builds and users, and {@code direct} for dedicated
 * connections. Everything it opens closes with the node's {@link Resources}.
 *
 * @param server the server's name, {@value BoundarySpec#DEFAULT_SERVER} for the one {@code ORISUN_PG_*} describes
 */
record Database(String server, DataSource writes, DataSource reads, DataSource admin, PostgresEndpoint direct,
                Optional<EmbeddedPostgres> embedded) {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    /**
     * How to open a dedicated PostgreSQL connection outside the pools. It points at the direct endpoint
     * ({@code ORISUN_PG_DIRECT_*}), as does the admin pool, because what runs there keeps session state
     * (advisory locks held across statements, LISTEN) that a transaction-mode pooler would not keep.
     */
    record PostgresEndpoint(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "PostgresEndpoint[" + jdbcUrl + ", user=" + user + ", password=" + OrisunConfig.MASK + "]";
        }

        java.sql.Connection connect() throws java.sql.SQLException {
            return java.sql.DriverManager.getConnection(jdbcUrl, user, password);
        }
    }

    /**
     * Starts the embedded PostgreSQL unless an external one is configured for the default server, and opens the
     * default server's pools. Its boundaries' schemas are migrated by {@link #migrate}.
     */
    static Database start(OrisunConfig config, NodeMetrics metrics, Resources resources, StartupPhases phases) {
        PostgresConfig pg = config.postgres();
        String pgHost;
        int pgPort;
        String pgUser = pg.user();
        Optional<EmbeddedPostgres> embedded;
        if (pg.host().isPresent()) {
            embedded = Optional.empty();
            pgHost = pg.host().get();
            pgPort = pg.port();
            LOG.log(System.Logger.Level.INFO, "PostgreSQL: external at {0}:{1,number,#}/{2}", pgHost, pgPort, pg.database());
        } else {
            EmbeddedPostgres embeddedPostgres = resources.add(
                    EmbeddedPostgres.start(config.dataDir().resolve("pg"), pg.port(), pg.database()));
            embedded = Optional.of(embeddedPostgres);
            pgHost = embeddedPostgres.host();
            pgPort = embeddedPostgres.port();
            pgUser = embeddedPostgres.user();
            LOG.log(System.Logger.Level.INFO, "PostgreSQL: embedded PostgreSQL 17 on port {0,number,#}, data in {1}",
                    pgPort, embeddedPostgres.dataDirectory().toAbsolutePath().normalize());
        }
        phases.mark("postgres");
        Database database = open(BoundarySpec.DEFAULT_SERVER, pg, pgHost, pgPort, pgUser, config, metrics, resources,
                embedded);
        phases.mark("pools");
        return database;
    }

    /**
     * Opens the pools of the named, external server {@code name}. They open without waiting for the server: one that
     * is down at start-up leaves the node starting, and only its boundaries fail until it is back.
     */
    static Database startNamed(String name, PostgresConfig pg, OrisunConfig config, NodeMetrics metrics,
                               Resources resources) {
        LOG.log(System.Logger.Level.INFO, "PostgreSQL server {0}: external at {1}:{2,number,#}/{3}", name,
                pg.host().orElseThrow(), pg.port(), pg.database());
        return open(name, pg, pg.host().orElseThrow(), pg.port(), pg.user(), config, metrics, resources,
                Optional.empty());
    }

    private static Database open(String server, PostgresConfig pg, String pgHost, int pgPort, String pgUser,
                                 OrisunConfig config, NodeMetrics metrics, Resources resources,
                                 Optional<EmbeddedPostgres> embedded) {
        String jdbcUrl = jdbcUrl(pgHost, pgPort, pg);
        // Work that needs a session of its own (session advisory locks of migrations and index builds, the
        // publisher's leadership lock and LISTEN) goes to the direct endpoint: behind a transaction-mode pooler the
        // pooled connections share server sessions.
        String directUrl = pg.embedded() ? jdbcUrl : jdbcUrl(pg.directHost().orElse(pgHost), pg.directPort(), pg);
        if (pg.separateDirectEndpoint()) {
            LOG.log(System.Logger.Level.INFO, "PostgreSQL {5}: pooled connections through {0}:{1,number,#} ({2}"
                            + " pooling), session connections direct to {3}:{4,number,#}", pgHost, pgPort,
                    pg.poolMode().name().toLowerCase(Locale.ROOT), pg.directHost().orElse(pgHost), pg.directPort(),
                    server);
        }
        // The default server's pools keep their names, orisun-write and so on; a named server's carry its name.
        String prefix = server.equals(BoundarySpec.DEFAULT_SERVER) ? "" : server + "-";
        // The default server must answer before the node starts (it holds the users and the catalog); a named one
        // is connected to in the background.
        Pools pools = new Pools(pgUser, pg.password(), metrics, resources, prefix.isEmpty() ? 30_000 : -1);
        HikariDataSource admin = pools.open(prefix + "admin", directUrl, pg.adminPool(), "");
        // A node paused or cut off in the middle of a save would otherwise hold the boundary's write lock, and
        // with it every other node's saves, for as long as its TCP connection lives. It is a session setting (a
        // pooler may refuse it as a start-up option), and behind a transaction-mode pooler the session is not ours:
        // there the pooler's own idle_transaction_timeout has to do this.
        String writeSessionSql = pg.poolMode() == PostgresConfig.PoolMode.TRANSACTION ? ""
                : "SET idle_in_transaction_session_timeout = " + config.publisher().leaseTimeout().toMillis();
        HikariDataSource writes = pools.open(prefix + "write", jdbcUrl, pg.writePool(), writeSessionSql);
        HikariDataSource reads = pools.open(prefix + "read", jdbcUrl, pg.readPool(), "");
        return new Database(server, writes, reads, admin, new PostgresEndpoint(directUrl, pgUser, pg.password()),
                embedded);
    }

    /**
     * Brings the schemas of {@code boundaries}, all placed on this server, to the newest version.
     *
     * @throws IllegalStateException naming this server when a migration fails; its cause is the failure
     */
    void migrate(List<BoundarySpec> boundaries, int connections) {
        try {
            applySchemas(admin, boundaries, connections);
        } catch (RuntimeException e) {
            if (server.equals(BoundarySpec.DEFAULT_SERVER)) {
                throw e;
            }
            throw new IllegalStateException("migrating the boundaries of PostgreSQL server '" + server + "' failed: "
                    + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "boundaries on PostgreSQL server {0}: {1}", server, boundaries.stream()
                .map(b -> b.name() + " (schema " + b.schema() + ")").toList());
    }

    /**
     * Brings every configured boundary's schema to the newest version ({@link BoundarySchema#apply} is safe to run
     * concurrently), on as many threads as the admin pool has connections, so that none waits for one; each thread
     * takes its share of the boundaries in turn and stops at its first failure, which start-up then reports.
     */
    private static void applySchemas(DataSource admin, List<BoundarySpec> boundaries, int connections) {
        int workers = Math.max(1, Math.min(boundaries.size(), connections));
        if (workers == 1) {
            boundaries.forEach(boundary -> BoundarySchema.apply(admin, boundary));
            return;
        }
        List<PendingStart<AutoCloseable>> runs = new ArrayList<>();
        for (int worker = 0; worker < workers; worker++) {
            int first = worker;
            List<BoundarySpec> share = IntStream.range(0, boundaries.size())
                    .filter(i -> i % workers == first).mapToObj(boundaries::get).toList();
            runs.add(PendingStart.begin("orisun-migrate-" + worker, () -> {
                share.forEach(boundary -> BoundarySchema.apply(admin, boundary));
                return () -> { };
            }));
        }
        RuntimeException failure = null;
        for (PendingStart<AutoCloseable> run : runs) {
            try {
                run.await();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static String jdbcUrl(String host, int port, PostgresConfig pg) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + pg.database() + "?sslmode=" + pg.sslMode()
                + "&prepareThreshold=" + pg.prepareThreshold() + "&ApplicationName=orisun-j";
    }

    /** Opens HikariCP pools with one set of credentials, measured by the node's metrics and closed with the node. */
    private record Pools(String user, String password, NodeMetrics metrics, Resources resources,
                         long initializationFailMillis) {

        HikariDataSource open(String name, String jdbcUrl, PoolConfig poolConfig, String sessionSql) {
            HikariConfig hikari = new HikariConfig();
            hikari.setPoolName("orisun-" + name);
            hikari.setJdbcUrl(jdbcUrl);
            hikari.setUsername(user);
            hikari.setPassword(password);
            hikari.setMaximumPoolSize(poolConfig.maxOpen());
            hikari.setMinimumIdle(Math.min(poolConfig.maxIdle(), poolConfig.maxOpen()));
            // Zero means "never" in both the configuration and HikariCP; other values respect HikariCP's minimums.
            hikari.setIdleTimeout(poolConfig.maxIdleTime().isZero() ? 0 : Math.max(10_000, poolConfig.maxIdleTime().toMillis()));
            hikari.setMaxLifetime(poolConfig.maxLifetime().isZero() ? 0 : Math.max(30_000, poolConfig.maxLifetime().toMillis()));
            hikari.setConnectionTimeout(10_000);
            hikari.setInitializationFailTimeout(initializationFailMillis);
            hikari.setMetricsTrackerFactory(metrics.poolMetrics());
            if (!sessionSql.isEmpty()) {
                hikari.setConnectionInitSql(sessionSql);
            }
            return resources.add(new HikariDataSource(hikari));
        }
    }
}
