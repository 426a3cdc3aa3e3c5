package io.orisun.server;

import io.orisun.server.config.OrisunConfig;
import io.orisun.server.config.PostgresConfig;
import io.orisun.server.observe.NodeMetrics;

import io.orisun.embedded.EmbeddedPostgres;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Unavailable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's PostgreSQL servers by name: the default one ({@value BoundarySpec#DEFAULT_SERVER}), which also holds
 * the users and the boundary catalog, and the named ones of {@code ORISUN_PG_SERVERS}. A boundary's tables, and so
 * every connection about it, are on the server its spec names.
 *
 * @param byName every server, the default one first
 */
record PostgresServers(Map<String, Database> byName) {

    private static final System.Logger LOG = System.getLogger(PostgresServers.class.getName());
    private static final Duration RETRY = Duration.ofSeconds(2);

    PostgresServers {
        byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /**
     * Starts the default server (embedded unless configured), opens every server's pools and migrates each
     * configured boundary on its own server. A named server that cannot be migrated does not stop start-up: its
     * boundaries are migrated in the background once it answers, and fail with {@code UNAVAILABLE} until then.
     */
    static PostgresServers start(OrisunConfig config, NodeMetrics metrics, Resources resources, StartupPhases phases) {
        Map<String, Database> servers = new LinkedHashMap<>();
        servers.put(BoundarySpec.DEFAULT_SERVER, Database.start(config, metrics, resources, phases));
        for (Map.Entry<String, PostgresConfig> named : config.servers().entrySet()) {
            servers.put(named.getKey(), Database.startNamed(named.getKey(), named.getValue(), config, metrics,
                    resources));
        }
        PostgresServers all = new PostgresServers(servers);
        for (Map.Entry<String, PostgresConfig> server : config.allServers().entrySet()) {
            List<BoundarySpec> placed = config.boundaries().boundaries().stream()
                    .filter(b -> b.server().equals(server.getKey())).toList();
            if (placed.isEmpty()) {
                continue;
            }
            Database database = all.byName.get(server.getKey());
            int connections = server.getValue().adminPool().maxOpen();
            if (database.server().equals(BoundarySpec.DEFAULT_SERVER)) {
                database.migrate(placed, connections);
                continue;
            }
            try {
                database.migrate(placed, connections);
            } catch (RuntimeException e) {
                // Only this server's boundaries are affected: they answer UNAVAILABLE while it cannot be reached,
                // and are migrated once it answers.
                LOG.log(System.Logger.Level.WARNING, "PostgreSQL server {0} is not ready ({1}); its boundaries {2}"
                        + " are unavailable until it is and they are migrated", server.getKey(), e.getMessage(),
                        placed.stream().map(BoundarySpec::name).toList());
                resources.add(retryMigration(database, placed, connections));
            }
        }
        phases.mark("schemas");
        return all;
    }

    /** Migrates {@code placed} on {@code database} every few seconds until it succeeds or the node stops. */
    private static AutoCloseable retryMigration(Database database, List<BoundarySpec> placed, int connections) {
        Thread retry = Thread.ofVirtual().name("orisun-migrate-" + database.server()).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(RETRY);
                    database.migrate(placed, connections);
                    LOG.log(System.Logger.Level.INFO, "PostgreSQL server {0} is back; its boundaries are migrated",
                            database.server());
                    return;
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "PostgreSQL server {0} is still not ready: {1}",
                            database.server(), e.getMessage());
                }
            }
        });
        return retry::interrupt;
    }

    /** The default server, which holds the users and the boundary catalog. */
    Database defaultServer() {
        return byName.get(BoundarySpec.DEFAULT_SERVER);
    }

    /**
     * The server {@code boundary} is placed on.
     *
     * @throws Unavailable when this node has no server of that name (it was placed by a node configured with it)
     */
    Database of(BoundarySpec boundary) {
        Database database = byName.get(boundary.server());
        if (database == null) {
            throw new Unavailable("boundary " + boundary.name() + " is placed on PostgreSQL server '"
                    + boundary.server() + "', which this node is not configured with");
        }
        return database;
    }

    /** The embedded PostgreSQL of the default server, when there is one. */
    Optional<EmbeddedPostgres> embedded() {
        return defaultServer().embedded();
    }
}
