package io.orisun.server.config;

import io.orisun.embedded.NatsSettings;
import io.orisun.transport.ListenerTls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.fail;

import io.orisun.api.BoundarySpec;
import io.orisun.api.RequestLimits;
import io.orisun.auth.AuthSettings;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.publisher.PublisherSettings;
import io.orisun.publisher.StreamSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OrisunConfigTest {

    private static Map<String, String> env(String... namesAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }

    private static OrisunConfig config(String... namesAndValues) {
        return OrisunConfig.fromEnv(env(namesAndValues));
    }

    private static ConfigException failure(Map<String, String> env) {
        try {
            OrisunConfig config = OrisunConfig.fromEnv(env);
            return fail("expected a ConfigException, got " + config);
        } catch (ConfigException e) {
            return e;
        }
    }

    private static ConfigException failure(String... namesAndValues) {
        return failure(env(namesAndValues));
    }

    @Test
    void transaction_pooling_turns_server_side_prepared_statements_off_unless_the_threshold_is_set() {
        OrisunConfig pooled = config("ORISUN_PG_HOST", "pgbouncer", "ORISUN_PG_POOL_MODE", "transaction",
                "ORISUN_PG_DIRECT_HOST", "postgres");
        assertThat(pooled.postgres().prepareThreshold()).isZero();
        assertThat(pooled.postgres().directHost()).contains("postgres");
        assertThat(pooled.postgres().directPort()).as("the direct port defaults to the main one").isEqualTo(5434);
        assertThat(pooled.postgres().separateDirectEndpoint()).isTrue();
        assertThat(pooled.warnings()).isEmpty();
        assertThat(pooled.summary()).contains("behind a transaction-mode pooler, prepare threshold 0")
                .contains("PG direct   postgres:5434 for migrations");

        OrisunConfig explicit = config("ORISUN_PG_HOST", "pgbouncer", "ORISUN_PG_POOL_MODE", "transaction",
                "ORISUN_PG_DIRECT_PORT", "5432", "ORISUN_PG_PREPARE_THRESHOLD", "3");
        assertThat(explicit.postgres().prepareThreshold()).isEqualTo(3);
        assertThat(explicit.warnings()).singleElement().asString().contains("max_prepared_statements");

        OrisunConfig session = config("ORISUN_PG_HOST", "pgbouncer");
        assertThat(session.postgres().poolMode()).isEqualTo(PostgresConfig.PoolMode.SESSION);
        assertThat(session.postgres().prepareThreshold()).isEqualTo(5);
        assertThat(session.postgres().separateDirectEndpoint()).as("direct defaults to the main endpoint").isFalse();
    }

    @Test
    void transaction_pooling_without_a_direct_endpoint_fails_instead_of_losing_session_locks_and_listen() {
        assertThat(failure("ORISUN_PG_HOST", "pgbouncer", "ORISUN_PG_POOL_MODE", "transaction").getMessage())
                .contains("ORISUN_PG_POOL_MODE='transaction' needs ORISUN_PG_DIRECT_HOST");
        assertThat(failure("ORISUN_PG_POOL_MODE", "transaction").getMessage())
                .contains("ORISUN_PG_POOL_MODE='transaction' applies to an external PostgreSQL only");
        assertThat(failure("ORISUN_PG_DIRECT_PORT", "5432").getMessage())
                .contains("ORISUN_PG_DIRECT_PORT='5432' applies to an external PostgreSQL only");
        assertThat(failure("ORISUN_PG_HOST", "db", "ORISUN_PG_POOL_MODE", "statement").getMessage())
                .contains("ORISUN_PG_POOL_MODE='statement'");
        assertThat(failure("ORISUN_PG_HOST", "db", "ORISUN_PG_DIRECT_PORT", "99999").getMessage())
                .contains("ORISUN_PG_DIRECT_PORT='99999'");
    }

    @Test
    void an_empty_environment_gives_orisuns_defaults() {
        OrisunConfig config = OrisunConfig.fromEnv(Map.of());

        assertThat(config.grpc()).isEqualTo(new GrpcConfig(5005, true, 64 << 20, 64 << 20, Duration.ofSeconds(30),
                Duration.ofSeconds(5), 10_000));
        assertThat(config.tls()).as("plain text unless ORISUN_GRPC_TLS_ENABLED").isEmpty();
        PostgresConfig pg = config.postgres();
        assertThat(pg.embedded()).as("no host means the embedded PostgreSQL").isTrue();
        assertThat(pg.port()).isEqualTo(5434);
        assertThat(pg.user()).isEqualTo("postgres");
        assertThat(pg.password()).isEqualTo("postgres");
        assertThat(pg.database()).isEqualTo("orisun");
        assertThat(pg.sslMode()).isEqualTo("disable");
        assertThat(pg.listenEnabled()).isTrue();
        assertThat(pg.prepareThreshold()).isEqualTo(5);
        assertThat(pg.writePool()).isEqualTo(new PoolConfig(25, 10, Duration.ofMinutes(5), Duration.ofMinutes(30)));
        assertThat(pg.readPool()).isEqualTo(new PoolConfig(50, 25, Duration.ofMinutes(5), Duration.ofMinutes(30)));
        assertThat(pg.adminPool()).isEqualTo(new PoolConfig(5, 2, Duration.ofMinutes(5), Duration.ofMinutes(30)));
        assertThat(config.boundaries().boundaries()).containsExactly(new BoundarySpec("orisun_test_1", "public", ""),
                new BoundarySpec("orisun_test_2", "test2", ""), new BoundarySpec("orisun_admin", "admin", ""));
        assertThat(config.boundaries().admin()).isEqualTo(new BoundarySpec("orisun_admin", "admin", ""));
        assertThat(config.groupCommit()).isEqualTo(new GroupCommitSettings(512, 1024, 4096, Duration.ofSeconds(2)));
        assertThat(config.adminPort()).isEqualTo(8991);
        assertThat(config.auth()).isEqualTo(AuthSettings.of(new BoundarySpec("orisun_admin", "admin", ""), "admin",
                "changeit", Duration.ofHours(24)));
        NatsConfig nats = config.nats();
        assertThat(nats.embedded()).isTrue();
        assertThat(nats.serverName()).isEqualTo("orisun-nats-2");
        assertThat(nats.port()).isEqualTo(4224);
        assertThat(nats.maxPayload()).isEqualTo(1 << 20);
        assertThat(nats.storeDir()).isEqualTo(Path.of("./data/orisun/nats"));
        assertThat(nats.serverPath()).isEmpty();
        assertThat(nats.cluster()).as("a single nats-server unless clustering is enabled").isEmpty();
        assertThat(config(with(CLUSTERED, "ORISUN_NATS_CLUSTER_HOST", "127.0.0.1")).nats().cluster())
                .contains(new NatsSettings.Cluster("orisun-nats-cluster", "127.0.0.1", 6222, "nats", "route-secret",
                        List.of("nats://0.0.0.0:6223", "nats://0.0.0.0:6224"), Duration.ofSeconds(1800)));
        assertThat(nats.access()).as("loopback, and secrets generated per data directory")
                .isEqualTo(NatsAccess.generated());
        assertThat(config.publisher()).as("the node id is generated at start").isEqualTo(PublisherSettings.of("", 1000,
                true, Duration.ofSeconds(5), new StreamSettings(Duration.ofMinutes(5), 512L << 20, -1, 1)));
        assertThat(config.logging()).isEqualTo(new LoggingConfig(System.Logger.Level.INFO, LoggingConfig.Format.TEXT));
        assertThat(config.otel()).as("export stays off until a collector is configured")
                .isEqualTo(new OtelConfig(false, "localhost:4318", "orisun"));
        assertThat(config.pprof()).isEqualTo(new PprofConfig(false, 6060));
        assertThat(config.dataDir()).isEqualTo(Path.of("./data/orisun"));
        assertThat(config.nodeId()).isEmpty();
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.warnings()).isEmpty();
        assertThat(OrisunConfig.defaults()).isEqualTo(config);
    }

    @Test
    void every_setting_is_read_from_its_variable(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("server.crt"), "cert");
        Path key = Files.writeString(dir.resolve("server.key"), "key");
        Path ca = Files.writeString(dir.resolve("ca.crt"), "ca");
        Map<String, String> env = env(
                "ORISUN_GRPC_PORT", "6005",
                "ORISUN_GRPC_ENABLE_REFLECTION", "false",
                "ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE", "1000",
                "ORISUN_GRPC_MAX_SEND_MESSAGE_SIZE", "2000",
                "ORISUN_GRPC_KEEP_ALIVE_TIME", "1m",
                "ORISUN_GRPC_KEEP_ALIVE_TIMEOUT", "250ms",
                "ORISUN_GRPC_MAX_CONCURRENT_STREAMS", "77",
                "ORISUN_GRPC_TLS_ENABLED", "yes",
                "ORISUN_GRPC_TLS_CERT_FILE", cert.toString(),
                "ORISUN_GRPC_TLS_KEY_FILE", key.toString(),
                "ORISUN_GRPC_TLS_CA_FILE", ca.toString(),
                "ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED", "1",
                "ORISUN_PG_HOST", "db.internal",
                "ORISUN_PG_PORT", "5432",
                "ORISUN_PG_USER", "orisun_app",
                "ORISUN_PG_PASSWORD", "pg-secret-1",
                "ORISUN_PG_NAME", "events",
                "ORISUN_PG_SSLMODE", "verify-full",
                "ORISUN_PG_LISTEN_ENABLED", "no",
                "ORISUN_PG_PREPARE_THRESHOLD", "0",
                "ORISUN_PG_POOL_MODE", "transaction",
                "ORISUN_PG_DIRECT_HOST", "db-direct.internal",
                "ORISUN_PG_DIRECT_PORT", "5433",
                "ORISUN_PG_SERVERS", "reports",
                "ORISUN_PG_SERVER_REPORTS_HOST", "db2.internal",
                "ORISUN_PG_SERVER_REPORTS_DIRECT_PORT", "5433",
                "ORISUN_PG_SCHEMAS", "orders:sales:reports, orisun_admin:admin",
                "ORISUN_BOUNDARIES", """
                        [{"name": "orisun_admin", "description": "admin state"}, {"name": "orders", "description": "Orders"}]""",
                "ORISUN_ADMIN_BOUNDARY", "orisun_admin",
                "ORISUN_PG_WRITE_MAX_OPEN_CONNS", "11",
                "ORISUN_PG_WRITE_MAX_IDLE_CONNS", "4",
                "ORISUN_PG_WRITE_CONN_MAX_IDLE_TIME", "2m",
                "ORISUN_PG_WRITE_CONN_MAX_LIFETIME", "1h",
                "ORISUN_PG_READ_MAX_OPEN_CONNS", "12",
                "ORISUN_PG_READ_MAX_IDLE_CONNS", "5",
                "ORISUN_PG_READ_CONN_MAX_IDLE_TIME", "3m",
                "ORISUN_PG_READ_CONN_MAX_LIFETIME", "2h",
                "ORISUN_PG_ADMIN_MAX_OPEN_CONNS", "3",
                "ORISUN_PG_ADMIN_MAX_IDLE_CONNS", "1",
                "ORISUN_PG_ADMIN_CONN_MAX_IDLE_TIME", "30s",
                "ORISUN_PG_ADMIN_CONN_MAX_LIFETIME", "0",
                "ORISUN_PG_GC_MAX_BATCH_REQUESTS", "64",
                "ORISUN_PG_GC_MAX_BATCH_EVENTS", "256",
                "ORISUN_PG_GC_MAX_PENDING", "1000",
                "ORISUN_LIMIT_CRITERIA", "100",
                "ORISUN_LIMIT_TAGS", "8",
                "ORISUN_LIMIT_TAG_KEY_LENGTH", "64",
                "ORISUN_LIMIT_TAG_VALUE_LENGTH", "512",
                "ORISUN_LIMIT_EVENTS_PER_SAVE", "500",
                "ORISUN_LIMIT_EVENT_DATA_BYTES", "65536",
                "ORISUN_LIMIT_EVENT_METADATA_BYTES", "1024",
                "ORISUN_LIMIT_WRITE_BUDGET", "1500ms",
                "ORISUN_LIMIT_READ_BUDGET", "30s",
                "ORISUN_ADMIN_PORT", "9000",
                "ORISUN_ADMIN_USERNAME", "root",
                "ORISUN_ADMIN_PASSWORD", "admin-secret-2",
                "ORISUN_AUTH_SESSION_TTL", "1h30m",
                "ORISUN_NATS_URL", "nats://n1:4222,nats://n2:4222",
                "ORISUN_NATS_SERVER_NAME", "node-a",
                "ORISUN_NATS_PORT", "14222",
                "ORISUN_NATS_HOST", "10.0.0.5",
                "ORISUN_NATS_USER", "node",
                "ORISUN_NATS_PASSWORD", "nats-secret-4",
                // One credential at a time, and server TLS files are for the embedded nats-server only: see below.
                "ORISUN_NATS_TOKEN", "",
                "ORISUN_NATS_CREDS_FILE", "",
                "ORISUN_NATS_TLS_CA_FILE", ca.toString(),
                "ORISUN_NATS_TLS_CERT_FILE", "",
                "ORISUN_NATS_TLS_KEY_FILE", "",
                "ORISUN_NATS_EVENT_SECRET", "event-secret-5-event-secret-5-event-secret-5",
                "ORISUN_NATS_MAX_PAYLOAD", "2097152",
                "ORISUN_NATS_STORE_DIR", "/var/lib/orisun/nats",
                "ORISUN_NATS_SERVER_PATH", "/opt/nats/nats-server",
                "ORISUN_NATS_EVENT_STREAM_MAX_BYTES", "-1",
                "ORISUN_NATS_EVENT_STREAM_MAX_MSGS", "100000",
                "ORISUN_NATS_EVENT_STREAM_MAX_AGE", "10m",
                "ORISUN_NATS_STREAM_REPLICAS", "3",
                "ORISUN_NATS_CLUSTER_ENABLED", "true",
                "ORISUN_NATS_CLUSTER_NAME", "east",
                "ORISUN_NATS_CLUSTER_HOST", "10.0.0.5",
                "ORISUN_NATS_CLUSTER_PORT", "16222",
                "ORISUN_NATS_CLUSTER_USERNAME", "route",
                "ORISUN_NATS_CLUSTER_PASSWORD", "cluster-secret-3",
                "ORISUN_NATS_CLUSTER_ROUTES", "nats://10.0.0.6:16222, nats://10.0.0.7:16222",
                "ORISUN_NATS_CLUSTER_TIMEOUT", "2s",
                "ORISUN_POLLING_PUBLISHER_BATCH_SIZE", "250",
                "ORISUN_PUBLISHER_LEASE_TIMEOUT", "7s",
                "ORISUN_LOGGING_LEVEL", "debug",
                "ORISUN_LOG_FORMAT", "JSON",
                "ORISUN_OTEL_ENABLED", "true",
                "ORISUN_OTEL_ENDPOINT", "collector:4317",
                "ORISUN_OTEL_SERVICE_NAME", "orisun-east",
                "ORISUN_PPROF_ENABLED", "true",
                "ORISUN_PPROF_PORT", "7070",
                "ORISUN_DATA_DIR", "/var/lib/orisun",
                "ORISUN_NODE_ID", "node-a.east",
                "ORISUN_SHUTDOWN_TIMEOUT", "45s");
        assertThat(env.keySet().stream().filter(name -> !name.startsWith(ServerVariables.PREFIX)))
                .as("this test sets every known variable")
                .containsExactlyInAnyOrderElementsOf(Setting.all().stream().map(Setting::variable).toList());

        OrisunConfig config = OrisunConfig.fromEnv(env);

        assertThat(config.grpc()).isEqualTo(new GrpcConfig(6005, false, 1000, 2000, Duration.ofMinutes(1),
                Duration.ofMillis(250), 77));
        assertThat(config.tls()).contains(new ListenerTls(cert, key, Optional.of(ca)));
        assertThat(config.postgres()).isEqualTo(new PostgresConfig(Optional.of("db.internal"), 5432, "orisun_app",
                "pg-secret-1", "events", "verify-full", false, 0, PostgresConfig.PoolMode.TRANSACTION,
                Optional.of("db-direct.internal"), 5433,
                new PoolConfig(11, 4, Duration.ofMinutes(2), Duration.ofHours(1)),
                new PoolConfig(12, 5, Duration.ofMinutes(3), Duration.ofHours(2)),
                new PoolConfig(3, 1, Duration.ofSeconds(30), Duration.ZERO)));
        assertThat(config.boundaries()).isEqualTo(new BoundariesConfig(List.of(
                new BoundarySpec("orisun_admin", "admin", "admin state"),
                new BoundarySpec("orders", "sales", "Orders", "reports")), "orisun_admin"));
        assertThat(config.servers().get("reports")).isEqualTo(new PostgresConfig(Optional.of("db2.internal"), 5432,
                "orisun_app", "pg-secret-1", "events", "verify-full", false, 0, PostgresConfig.PoolMode.TRANSACTION,
                Optional.empty(), 5433, config.postgres().writePool(), config.postgres().readPool(),
                config.postgres().adminPool()));
        assertThat(config.groupCommit()).isEqualTo(new GroupCommitSettings(64, 256, 1000, Duration.ofMillis(1500)));
        assertThat(config.limits()).isEqualTo(new RequestLimits(100, 8, 64, 512, 500, 65_536, 1024,
                Duration.ofMillis(1500), Duration.ofSeconds(30)));
        assertThat(config.adminPort()).isEqualTo(9000);
        assertThat(config.auth()).isEqualTo(AuthSettings.of(new BoundarySpec("orisun_admin", "admin", "admin state"),
                "root", "admin-secret-2", Duration.ofMinutes(90)));
        assertThat(config.nats()).isEqualTo(new NatsConfig(Optional.of("nats://n1:4222,nats://n2:4222"), "node-a", 14222,
                2 << 20, Path.of("/var/lib/orisun/nats"), Optional.of(Path.of("/opt/nats/nats-server")),
                Optional.of(new NatsSettings.Cluster("east", "10.0.0.5", 16222, "route", "cluster-secret-3",
                        List.of("nats://10.0.0.6:16222", "nats://10.0.0.7:16222"), Duration.ofSeconds(2))),
                new NatsAccess("10.0.0.5", "node", Optional.of("nats-secret-4"), Optional.empty(), Optional.empty(),
                        Optional.of(ca), Optional.empty(), Optional.empty(),
                        Optional.of("event-secret-5-event-secret-5-event-secret-5"))));
        assertThat(config.publisher()).isEqualTo(PublisherSettings.of("node-a.east", 250, false, Duration.ofSeconds(7),
                new StreamSettings(Duration.ofMinutes(10), -1, 100_000, 3)));
        assertThat(config.logging()).isEqualTo(new LoggingConfig(System.Logger.Level.DEBUG, LoggingConfig.Format.JSON));
        assertThat(config.otel()).isEqualTo(new OtelConfig(true, "collector:4317", "orisun-east"));
        assertThat(config.pprof()).isEqualTo(new PprofConfig(true, 7070));
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/orisun"));
        assertThat(config.nodeId()).contains("node-a.east");
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.warnings()).containsExactly("ORISUN_NATS_CLUSTER_ENABLED=true has no effect with an external"
                + " ORISUN_NATS_URL; the cluster is that server's own configuration");
    }

    @Test
    void a_blank_variable_takes_the_default_and_a_blank_optional_path_is_absent() {
        OrisunConfig config = config("ORISUN_GRPC_PORT", "  ", "ORISUN_GRPC_TLS_CA_FILE", "", "ORISUN_PG_HOST", " ");

        assertThat(config.grpc().port()).isEqualTo(5005);
        assertThat(config.tls()).isEmpty();
        assertThat(config.postgres().host()).isEmpty();
    }

    @Test
    void rejects_a_port_that_is_not_a_number_or_out_of_range() {
        assertThat(failure("ORISUN_GRPC_PORT", "abc").problems())
                .containsExactly("ORISUN_GRPC_PORT='abc' is not a port (1-65535, or 0 for any free port)");
        assertThat(failure("ORISUN_ADMIN_PORT", "65536").problems())
                .containsExactly("ORISUN_ADMIN_PORT='65536' is not a port (1-65535, or 0 for any free port)");
        assertThat(failure("ORISUN_NATS_PORT", "0").problems())
                .containsExactly("ORISUN_NATS_PORT='0' is not a port (1-65535)");
        assertThat(failure("ORISUN_PG_PORT", "-1").problems())
                .containsExactly("ORISUN_PG_PORT='-1' is not a port (1-65535)");
    }

    @Test
    void accepts_port_zero_for_the_grpc_and_admin_ports_only() {
        OrisunConfig config = config("ORISUN_GRPC_PORT", "0", "ORISUN_ADMIN_PORT", "0");

        assertThat(config.grpc().port()).isZero();
        assertThat(config.adminPort()).isZero();
    }

    @Test
    void rejects_two_listeners_on_one_port() {
        assertThat(failure("ORISUN_ADMIN_PORT", "5005").problems())
                .containsExactly("ORISUN_ADMIN_PORT='5005' is already the port of ORISUN_GRPC_PORT");
        assertThat(failure("ORISUN_NATS_PORT", "5434").problems())
                .as("the embedded PostgreSQL listens on ORISUN_PG_PORT")
                .containsExactly("ORISUN_NATS_PORT='5434' is already the port of ORISUN_PG_PORT");
        assertThat(config("ORISUN_NATS_PORT", "5434", "ORISUN_PG_HOST", "db").nats().port())
                .as("an external PostgreSQL does not listen here").isEqualTo(5434);
    }

    @Test
    void rejects_a_malformed_duration_naming_the_variable_and_value() {
        assertThat(failure("ORISUN_AUTH_SESSION_TTL", "1x").problems()).containsExactly("ORISUN_AUTH_SESSION_TTL='1x' is"
                + " not a duration (for example 300ms, 30s, 5m, 24h or 1h30m; a bare number means seconds)");
        assertThat(failure("ORISUN_SHUTDOWN_TIMEOUT", "0s").problems())
                .containsExactly("ORISUN_SHUTDOWN_TIMEOUT='0s' is not a positive duration");
        assertThat(failure("ORISUN_PUBLISHER_LEASE_TIMEOUT", "500ms").problems())
                .containsExactly("ORISUN_PUBLISHER_LEASE_TIMEOUT='500ms' is shorter than 1s");
    }

    @ParameterizedTest
    @CsvSource({
            "300ms, PT0.3S",
            "30s, PT30S",
            "5m, PT5M",
            "24h, PT24H",
            "1h30m, PT1H30M",
            "1800s, PT30M",
            "45, PT45S",
            "0, PT0S",
            "1.5h, PT1H30M",
            "2h45m30s500ms, PT2H45M30.5S",
            "1500us, PT0.0015S",
            "10ns, PT0.00000001S"
    })
    void parses_durations_in_go_syntax(String text, Duration expected) {
        assertThat(GoDuration.parse(text)).isEqualTo(expected);
        assertThat(GoDuration.parse(GoDuration.format(expected))).as("written back").isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5 m", "-5s", "1d", "m", "1h30", "1.5", "s5", "1h-30m", "99999999999h"})
    void rejects_text_that_is_not_a_go_duration(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> GoDuration.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"true, true", "TRUE, true", "1, true", "yes, true", "Yes, true",
            "false, false", "False, false", "0, false", "no, false", "NO, false"})
    void reads_booleans_in_any_accepted_spelling(String text, boolean expected) {
        assertThat(config("ORISUN_PG_LISTEN_ENABLED", text).postgres().listenEnabled()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "on", "2", "ture"})
    void rejects_a_value_that_is_not_a_boolean(String text) {
        assertThat(failure("ORISUN_PG_LISTEN_ENABLED", text).problems())
                .containsExactly("ORISUN_PG_LISTEN_ENABLED='" + text + "' is not a boolean (true/false, 1/0 or yes/no)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "orisun_admin | has the entry 'orisun_admin', which is not boundary:schema",
            "orisun_admin:admin:x:y | has the entry 'orisun_admin:admin:x:y', which is not boundary:schema",
            "orisun_admin:admin:x | places boundary 'orisun_admin' on server 'x', which is neither 'default' nor"
                    + " listed in ORISUN_PG_SERVERS",
            ":admin,orisun_admin:admin | has the entry ':admin', which is not boundary:schema",
            "orisun_admin: | has the entry 'orisun_admin:', which is not boundary:schema",
            "a:public,,orisun_admin:admin | has an empty entry (expected boundary:schema pairs separated by commas)",
            "a:public,a:other,orisun_admin:admin | maps boundary 'a' more than once",
            "1bad:public,orisun_admin:admin | is invalid: boundary name '1bad' is not a valid identifier",
            "a:pub-lic,orisun_admin:admin | is invalid: schema name 'pub-lic' is not a valid identifier",
            "a_boundary_name_of_27_chars:public,orisun_admin:admin | is invalid: boundary name"
                    + " 'a_boundary_name_of_27_chars' is longer than 26 characters"
    })
    void rejects_a_malformed_schema_mapping(String schemas, String expected) {
        assertThat(failure("ORISUN_PG_SCHEMAS", schemas).problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("ORISUN_PG_SCHEMAS='" + schemas + "' " + expected);
    }

    @Test
    void derives_the_boundaries_from_ORISUN_PG_SCHEMAS_when_ORISUN_BOUNDARIES_is_unset() {
        BoundariesConfig boundaries = config("ORISUN_PG_SCHEMAS", " orders : sales ,payments:sales,orisun_admin:admin")
                .boundaries();

        assertThat(boundaries.boundaries()).containsExactly(new BoundarySpec("orders", "sales", ""),
                new BoundarySpec("payments", "sales", ""), new BoundarySpec("orisun_admin", "admin", ""));
        assertThat(boundaries.find("payments")).contains(new BoundarySpec("payments", "sales", ""));
        assertThat(boundaries.find("refunds")).isEmpty();
    }

    @Test
    void reports_a_boundary_listed_in_ORISUN_BOUNDARIES_without_a_schema() {
        assertThat(failure("ORISUN_PG_SCHEMAS", "orisun_admin:admin",
                "ORISUN_BOUNDARIES", "[{\"name\":\"orisun_admin\"},{\"name\":\"orders\",\"description\":\"x\"}]").problems())
                .containsExactly("boundary 'orders' is listed in ORISUN_BOUNDARIES but has no schema in ORISUN_PG_SCHEMAS");
    }

    @Test
    void reports_a_boundary_with_a_schema_that_ORISUN_BOUNDARIES_does_not_list() {
        assertThat(failure("ORISUN_BOUNDARIES", "[{\"name\":\"orisun_admin\"},{\"name\":\"orisun_test_1\"}]").problems())
                .containsExactly("boundary 'orisun_test_2' has a schema in ORISUN_PG_SCHEMAS but is not listed in"
                        + " ORISUN_BOUNDARIES (ORISUN_PG_SCHEMAS is not set, so its default"
                        + " 'orisun_test_1:public,orisun_test_2:test2,orisun_admin:admin' applies)");

        List<String> problems = failure("ORISUN_BOUNDARIES", "[{\"name\":\"orders\"}]").problems();
        assertThat(problems).hasSize(4);
        assertThat(problems).filteredOn(problem -> problem.contains("is not set")).as("the default is explained once")
                .hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "[{\"name\":\"bad-name\"}] | is invalid: boundary name 'bad-name' is not a valid identifier",
            "[{\"name\":\"orisun_admin\"},{\"name\":\"orisun_admin\"}] | lists boundary 'orisun_admin' more than once",
            "[{\"description\":\"no name\"}] | is not a JSON array of {\"name\": ..., \"description\": ...",
            "{\"name\":\"orisun_admin\"} | is not a JSON array of {\"name\": ..., \"description\": ...",
            "[{\"name\":\"orisun_admin\" | is not a JSON array of {\"name\": ..., \"description\": ...",
            "[] | is not a JSON array of {\"name\": ..., \"description\": ..."
    })
    void rejects_a_malformed_ORISUN_BOUNDARIES(String json, String expected) {
        assertThat(failure("ORISUN_PG_SCHEMAS", "orisun_admin:admin", "ORISUN_BOUNDARIES", json).problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("ORISUN_BOUNDARIES='" + json + "' " + expected);
    }

    @Test
    void rejects_an_admin_boundary_that_is_not_configured_naming_both_variables() {
        assertThat(failure("ORISUN_ADMIN_BOUNDARY", "nope").problems()).containsExactly("ORISUN_ADMIN_BOUNDARY='nope'"
                + " is not one of the boundaries configured by ORISUN_PG_SCHEMAS (orisun_test_1, orisun_test_2, orisun_admin)");
        assertThat(failure("ORISUN_PG_SCHEMAS", "orders:public").problems()).containsExactly("ORISUN_ADMIN_BOUNDARY="
                + "'orisun_admin' is not one of the boundaries configured by ORISUN_PG_SCHEMAS (orders)");
    }

    @Test
    void warns_about_an_unknown_variable_and_suggests_the_closest_known_name() {
        OrisunConfig config = config("ORISUN_GRPC_PROT", "5006", "ORISUN_PG_PASWORD", "x", "ORISUN_PG_URL", "jdbc:x",
                "ORISUN_SOMETHING_ELSE", "1", "PATH", "/usr/bin", "orisun_grpc_port", "1");

        assertThat(config.warnings()).containsExactly(
                "ORISUN_GRPC_PROT is not a known setting and is ignored; did you mean ORISUN_GRPC_PORT?",
                "ORISUN_PG_PASWORD is not a known setting and is ignored; did you mean ORISUN_PG_PASSWORD?",
                "ORISUN_PG_URL is not a known setting and is ignored",
                "ORISUN_SOMETHING_ELSE is not a known setting and is ignored");
        assertThat(config.grpc().port()).isEqualTo(5005);
    }

    @Test
    void accepts_orisun_settings_it_does_not_use_with_a_warning_but_refuses_another_backend() {
        assertThat(config("ORISUN_SQLITE_DIR", "/tmp/x", "ORISUN_GRPC_CONNECTION_TIMEOUT", "60s",
                "ORISUN_BACKEND", "postgres").warnings()).containsExactly(
                "ORISUN_GRPC_CONNECTION_TIMEOUT is an Orisun setting that Orisun-J does not use; it is ignored",
                "ORISUN_SQLITE_DIR is an Orisun setting that Orisun-J does not use; it is ignored");
        assertThat(failure("ORISUN_BACKEND", "sqlite").problems())
                .containsExactly("ORISUN_BACKEND='sqlite' is not supported: Orisun-J stores events in PostgreSQL only");
    }

    @Test
    void reports_every_problem_together_one_line_each() {
        ConfigException e = failure("ORISUN_GRPC_PORT", "abc", "ORISUN_AUTH_SESSION_TTL", "soon",
                "ORISUN_PG_LISTEN_ENABLED", "maybe", "ORISUN_PG_SCHEMAS", "broken", "ORISUN_LOGGING_LEVEL", "LOUD");

        assertThat(e.problems()).hasSize(5);
        assertThat(e.getMessage().lines()).containsExactlyElementsOf(e.problems());
        assertThat(e.getMessage()).contains("ORISUN_GRPC_PORT='abc'", "ORISUN_AUTH_SESSION_TTL='soon'",
                "ORISUN_PG_LISTEN_ENABLED='maybe'", "ORISUN_PG_SCHEMAS='broken'",
                "ORISUN_LOGGING_LEVEL='LOUD' is not a log level (TRACE, DEBUG, INFO, WARN or ERROR)");
    }

    @Test
    void never_reveals_a_password_or_url_credentials() {
        Map<String, String> secrets = env(
                "ORISUN_PG_PASSWORD", "pg-Secret-1",
                "ORISUN_ADMIN_PASSWORD", "admin-Secret-2",
                "ORISUN_NATS_CLUSTER_PASSWORD", "cluster-Secret-3",
                "ORISUN_NATS_URL", "nats://orisun:url-Secret-4@nats.internal:4222",
                "ORISUN_NATS_CLUSTER_ENABLED", "true",
                "ORISUN_NATS_CLUSTER_ROUTES", "nats://route:route-Secret-5@peer:6222",
                "ORISUN_PG_HOST", "db.internal");
        List<String> secretValues = List.of("pg-Secret-1", "admin-Secret-2", "cluster-Secret-3", "url-Secret-4",
                "route-Secret-5");
        OrisunConfig config = OrisunConfig.fromEnv(secrets);

        assertThat(config.toString()).doesNotContain(secretValues).contains(OrisunConfig.MASK);
        assertThat(config.summary()).doesNotContain(secretValues).contains("nats://****@nats.internal:4222");

        Map<String, String> withProblems = new HashMap<>(secrets);
        withProblems.put("ORISUN_ADMIN_PASSWORD", "abc12");
        withProblems.put("ORISUN_NATS_CLUSTER_ROUTES", "peer:6222,nats://route:route-Secret-5@peer:bad");
        withProblems.put("ORISUN_GRPC_PORT", "abc");
        ConfigException e = failure(withProblems);
        assertThat(e.getMessage()).doesNotContain("abc12", "pg-Secret-1", "url-Secret-4", "route-Secret-5", "cluster-Secret-3")
                .contains("ORISUN_ADMIN_PASSWORD='****' is too short (at least 6 characters)");
        assertThat(e.problems()).hasSize(3);
    }

    @Test
    void secret_settings_are_exactly_the_passwords_and_keys() {
        assertThat(Setting.all().stream().filter(Setting::secret).map(Setting::variable)).containsExactlyInAnyOrder(
                "ORISUN_PG_PASSWORD", "ORISUN_ADMIN_PASSWORD", "ORISUN_NATS_CLUSTER_PASSWORD", "ORISUN_NATS_PASSWORD",
                "ORISUN_NATS_TOKEN", "ORISUN_NATS_EVENT_SECRET");
    }

    @Test
    void the_settings_table_names_each_variable_once_with_a_description() {
        List<String> names = Setting.all().stream().map(Setting::variable).toList();

        assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.matches("ORISUN_[A-Z0-9_]+"))
                .doesNotContain("ORISUN_PG_URL");
        assertThat(Setting.all()).allSatisfy(setting -> assertThat(setting.description()).as(setting.variable())
                .isNotBlank().doesNotEndWith("."));
    }

    @Test
    void tls_needs_a_readable_certificate_and_key(@TempDir Path dir) throws IOException {
        assertThat(failure("ORISUN_GRPC_TLS_ENABLED", "true", "ORISUN_GRPC_TLS_CERT_FILE", dir.resolve("missing.crt")
                .toString(), "ORISUN_GRPC_TLS_KEY_FILE", "").problems()).containsExactly(
                "ORISUN_GRPC_TLS_CERT_FILE='" + dir.resolve("missing.crt")
                        + "' is not a readable file (needed because ORISUN_GRPC_TLS_ENABLED=true)",
                "ORISUN_GRPC_TLS_KEY_FILE is empty, but ORISUN_GRPC_TLS_ENABLED=true needs it");
        assertThat(failure("ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED", "true").problems())
                .containsExactly("ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED='true' needs ORISUN_GRPC_TLS_ENABLED=true");

        Path cert = Files.writeString(dir.resolve("server.crt"), "cert");
        Path key = Files.writeString(dir.resolve("server.key"), "key");
        ListenerTls tls = config("ORISUN_GRPC_TLS_ENABLED", "true", "ORISUN_GRPC_TLS_CERT_FILE", cert.toString(),
                "ORISUN_GRPC_TLS_KEY_FILE", key.toString()).tls().orElseThrow();
        assertThat(tls.certFile()).isEqualTo(cert);
        assertThat(tls.keyFile()).isEqualTo(key);
        assertThat(tls.clientCaFile()).as("no client certificates asked for").isEmpty();
    }

    @Test
    void rejects_more_idle_than_open_connections_naming_both_variables() {
        assertThat(failure("ORISUN_PG_READ_MAX_IDLE_CONNS", "51").problems())
                .containsExactly("ORISUN_PG_READ_MAX_IDLE_CONNS='51' is more than ORISUN_PG_READ_MAX_OPEN_CONNS=50");
        assertThat(failure("ORISUN_PG_WRITE_MAX_OPEN_CONNS", "many", "ORISUN_PG_WRITE_MAX_IDLE_CONNS", "40").problems())
                .as("no echo of the first problem")
                .containsExactly("ORISUN_PG_WRITE_MAX_OPEN_CONNS='many' is not a number of connections (a whole number"
                        + " of at least 1)");
    }

    @Test
    void rejects_several_stream_replicas_without_a_nats_cluster() {
        assertThat(failure("ORISUN_NATS_STREAM_REPLICAS", "3").problems()).containsExactly("ORISUN_NATS_STREAM_REPLICAS='3'"
                + " needs a NATS cluster (ORISUN_NATS_CLUSTER_ENABLED=true or an external ORISUN_NATS_URL)");
        assertThat(config("ORISUN_NATS_STREAM_REPLICAS", "3", "ORISUN_NATS_CLUSTER_ENABLED", "true",
                "ORISUN_NATS_CLUSTER_HOST", "127.0.0.1",
                "ORISUN_NATS_PASSWORD", "client-secret", "ORISUN_NATS_EVENT_SECRET", "0123456789abcdef0123456789abcdef")
                .publisher().stream().replicas()).isEqualTo(3);
        assertThat(failure("ORISUN_NATS_STREAM_REPLICAS", "6").problems()).containsExactly(
                "ORISUN_NATS_STREAM_REPLICAS='6' is not a replica count (a whole number from 1 to 5)");
    }

    @Test
    void a_nats_cluster_needs_the_client_password_and_event_secret_from_configuration() {
        assertThat(failure("ORISUN_NATS_CLUSTER_ENABLED", "true", "ORISUN_NATS_CLUSTER_HOST", "127.0.0.1").problems())
                .containsExactly(
                "ORISUN_NATS_PASSWORD is empty, but ORISUN_NATS_CLUSTER_ENABLED=true needs the same client password on"
                        + " every node",
                "ORISUN_NATS_EVENT_SECRET is empty, but ORISUN_NATS_CLUSTER_ENABLED=true needs the same secret on every"
                        + " node (at least 32 characters)");
        NatsAccess access = config("ORISUN_NATS_CLUSTER_ENABLED", "true", "ORISUN_NATS_CLUSTER_HOST", "127.0.0.1",
                "ORISUN_NATS_PASSWORD", " pw with spaces ",
                "ORISUN_NATS_EVENT_SECRET", "0123456789abcdef0123456789abcdef").nats().access();
        assertThat(access.password()).as("a secret is taken as it is").contains(" pw with spaces ");
        assertThat(access.host()).as("the client port stays on loopback in a cluster").isEqualTo("127.0.0.1");
        assertThat(failure("ORISUN_NATS_EVENT_SECRET", "short").problems()).containsExactly(
                "ORISUN_NATS_EVENT_SECRET='****' is too short (at least 32 characters; for example: openssl rand"
                        + " -base64 32)");
        assertThat(config("ORISUN_NATS_CLUSTER_ENABLED", "true", "ORISUN_NATS_URL", "nats://n1:4222").nats().access())
                .as("an external NATS needs neither").isEqualTo(NatsAccess.generated());
    }

    @Test
    void nats_credentials_are_one_of_a_password_a_token_or_a_creds_file(@TempDir Path dir) throws IOException {
        Path creds = Files.writeString(dir.resolve("node.creds"), "creds");
        String url = "nats://nats.internal:4222";
        assertThat(config("ORISUN_NATS_URL", url, "ORISUN_NATS_TOKEN", "t0ken").nats().access().token())
                .contains("t0ken");
        assertThat(config("ORISUN_NATS_URL", url, "ORISUN_NATS_CREDS_FILE", creds.toString()).nats().access()
                .credsFile()).contains(creds);
        assertThat(failure("ORISUN_NATS_URL", url, "ORISUN_NATS_TOKEN", "t0ken", "ORISUN_NATS_PASSWORD", "pw")
                .problems()).containsExactly("ORISUN_NATS_PASSWORD and ORISUN_NATS_TOKEN are both set; the node"
                + " connects to NATS with one of a password, a token or a creds file");
        assertThat(failure("ORISUN_NATS_URL", url, "ORISUN_NATS_CREDS_FILE", dir.resolve("missing.creds").toString())
                .problems()).containsExactly("ORISUN_NATS_CREDS_FILE='" + dir.resolve("missing.creds")
                + "' is not a readable file");
        assertThat(failure("ORISUN_NATS_TOKEN", "t0ken").problems()).singleElement().asString()
                .startsWith("ORISUN_NATS_TOKEN='****' applies to an external NATS only (set ORISUN_NATS_URL)");
    }

    @Test
    void tls_of_the_embedded_nats_server_needs_certificate_key_and_ca(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("nats.pem"), "cert");
        Path key = Files.writeString(dir.resolve("nats.key"), "key");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
        NatsAccess access = config("ORISUN_NATS_TLS_CERT_FILE", cert.toString(), "ORISUN_NATS_TLS_KEY_FILE",
                key.toString(), "ORISUN_NATS_TLS_CA_FILE", ca.toString()).nats().access();
        assertThat(access.serverTls()).isTrue();
        assertThat(failure("ORISUN_NATS_TLS_CERT_FILE", cert.toString()).problems()).containsExactly(
                "ORISUN_NATS_TLS_KEY_FILE is empty, but ORISUN_NATS_TLS_CERT_FILE needs it");
        assertThat(failure("ORISUN_NATS_TLS_CERT_FILE", cert.toString(), "ORISUN_NATS_TLS_KEY_FILE", key.toString())
                .problems()).singleElement().asString().startsWith("ORISUN_NATS_TLS_CA_FILE is empty, but"
                + " ORISUN_NATS_TLS_CERT_FILE needs it");
        assertThat(failure("ORISUN_NATS_URL", "nats://n:4222", "ORISUN_NATS_TLS_CERT_FILE", cert.toString(),
                "ORISUN_NATS_TLS_KEY_FILE", key.toString()).problems()).singleElement().asString()
                .contains("applies to the embedded nats-server only");
    }

    @Test
    void a_nats_cluster_reachable_from_other_hosts_refuses_orisuns_default_route_password() {
        String[] cluster = {"ORISUN_NATS_CLUSTER_ENABLED", "true", "ORISUN_NATS_PASSWORD", "client-secret",
                "ORISUN_NATS_EVENT_SECRET", "0123456789abcdef0123456789abcdef"};
        assertThat(failure(with(cluster)).problems()).as("Orisun's defaults: listening on 0.0.0.0").containsExactly(
                "ORISUN_NATS_CLUSTER_PASSWORD='****' is Orisun's published default, refused while the routes are not"
                        + " on loopback only (ORISUN_NATS_CLUSTER_HOST=0.0.0.0); set a password of your own in"
                        + " ORISUN_NATS_CLUSTER_PASSWORD, the same on every node and in the credentials of"
                        + " ORISUN_NATS_CLUSTER_ROUTES");
        assertThat(failure(with(cluster, "ORISUN_NATS_CLUSTER_HOST", "127.0.0.1", "ORISUN_NATS_CLUSTER_ROUTES",
                "nats://127.0.0.1:6223,nats://peer.internal:6222")).problems()).singleElement().asString()
                .startsWith("ORISUN_NATS_CLUSTER_PASSWORD='****' is Orisun's published default")
                .contains("(a route to peer.internal)");
        assertThat(failure(with(cluster, "ORISUN_NATS_CLUSTER_USERNAME", "", "ORISUN_NATS_CLUSTER_HOST", "10.0.0.5",
                "ORISUN_NATS_CLUSTER_PASSWORD", "route-secret")).problems()).singleElement().asString()
                .startsWith("ORISUN_NATS_CLUSTER_USERNAME is empty, which turns route authentication off");

        assertThat(config(with(cluster, "ORISUN_NATS_CLUSTER_HOST", "127.0.0.1")).nats().cluster().orElseThrow().password())
                .as("routes on loopback only (several nodes on one machine) may keep the default")
                .isEqualTo("password@1");
        assertThat(config(with(cluster, "ORISUN_NATS_CLUSTER_HOST", "[::1]", "ORISUN_NATS_CLUSTER_ROUTES",
                "nats://localhost:6223")).nats().cluster()).isPresent();
        assertThat(config(with(cluster, "ORISUN_NATS_CLUSTER_PASSWORD", "route-secret")).nats().cluster().orElseThrow().host())
                .isEqualTo("0.0.0.0");
    }

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** An embedded nats-server in a cluster whose routes authenticate with a password of their own. */
    private static final String[] CLUSTERED = {"ORISUN_NATS_CLUSTER_ENABLED", "true",
            "ORISUN_NATS_CLUSTER_PASSWORD", "route-secret", "ORISUN_NATS_PASSWORD", "client-secret",
            "ORISUN_NATS_EVENT_SECRET", "0123456789abcdef0123456789abcdef"};

    @Test
    void reads_cluster_routes_and_rejects_one_that_is_not_a_route_url() {
        assertThat(config(with(CLUSTERED, "ORISUN_NATS_CLUSTER_ROUTES", "")).nats().cluster().orElseThrow().routes())
                .isEmpty();
        assertThat(config(with(CLUSTERED, "ORISUN_NATS_CLUSTER_ROUTES", "nats-route://a:6222,,nats://b:6222")).nats()
                .cluster().orElseThrow().routes())
                .containsExactly("nats-route://a:6222", "nats://b:6222");
        assertThat(failure("ORISUN_NATS_CLUSTER_ROUTES", "nats://a:6222,b:6222").problems()).containsExactly(
                "ORISUN_NATS_CLUSTER_ROUTES='nats://a:6222,b:6222' has 'b:6222', which is not a route URL such as"
                        + " nats://host:6222");
    }

    @Test
    void rejects_a_nats_url_with_an_unknown_scheme_or_spaces() {
        assertThat(config("ORISUN_NATS_URL", "localhost:4222").nats().url()).contains("localhost:4222");
        assertThat(failure("ORISUN_NATS_URL", "http://localhost:4222").problems()).containsExactly("ORISUN_NATS_URL="
                + "'http://localhost:4222' is not a NATS URL (for example nats://host:4222; several separated by commas)");
        assertThat(failure("ORISUN_NATS_URL", "nats://a:1 nats://b:2").problems()).hasSize(1);
    }

    @Test
    void validates_names_that_reach_sql_or_identify_the_node() {
        assertThat(failure("ORISUN_PG_NAME", "my-db").problems()).containsExactly("ORISUN_PG_NAME='my-db' is not a valid"
                + " database name (letters, digits and '_', starting with a letter or '_', at most 63 characters)");
        assertThat(failure("ORISUN_NODE_ID", "node one").problems()).containsExactly(
                "ORISUN_NODE_ID='node one' is not a node id (letters, digits, '.', '_' and '-', at most 64 characters)");
        assertThat(failure("ORISUN_PG_SSLMODE", "on").problems()).containsExactly(
                "ORISUN_PG_SSLMODE='on' is not one of disable, allow, prefer, require, verify-ca, verify-full");
        assertThat(failure("ORISUN_ADMIN_USERNAME", "ab").problems())
                .containsExactly("ORISUN_ADMIN_USERNAME='ab' is too short (at least 3 characters)");
    }

    @Test
    void reads_log_level_aliases_and_format() {
        assertThat(config("ORISUN_LOGGING_LEVEL", "warn").logging().level()).isEqualTo(System.Logger.Level.WARNING);
        assertThat(config("ORISUN_LOGGING_LEVEL", "ERROR").logging().level()).isEqualTo(System.Logger.Level.ERROR);
        assertThat(failure("ORISUN_LOG_FORMAT", "xml").problems())
                .containsExactly("ORISUN_LOG_FORMAT='xml' is not one of text, json");
    }

    @Test
    void the_summary_says_where_each_part_runs() {
        String summary = OrisunConfig.defaults().summary();

        assertThat(summary.lines()).hasSizeBetween(5, 12);
        assertThat(summary).contains("port 5005", "PostgreSQL  embedded on port 5434, database orisun",
                "orisun_test_1 (schema public)", "admin boundary orisun_admin",
                "embedded nats-server 'orisun-nats-2' on 127.0.0.1:4224,", "sessions expire after 24h idle");

        String external = config("ORISUN_PG_HOST", "db.internal", "ORISUN_PG_PORT", "5432").summary();
        assertThat(external).contains("postgres@db.internal:5432/orisun, sslmode disable");
    }

    @Test
    void records_reject_values_that_break_their_invariants() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PoolConfig(2, 3, Duration.ZERO, Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> new BoundariesConfig(List.of(
                new BoundarySpec("a", "public", "")), "b"));
    }

    @Test
    void an_unknown_name_far_from_every_known_name_gets_no_suggestion() {
        assertThat(UnknownNames.closestKnownName("ORISUN_LOGGING_LEVL")).contains("ORISUN_LOGGING_LEVEL");
        assertThat(UnknownNames.closestKnownName("ORISUN_COLOUR")).isEmpty();
        assertThat(Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet()))
                .allSatisfy(name -> assertThat(UnknownNames.closestKnownName(name)).contains(name));
    }

    @Test
    void the_request_limits_default_to_the_documented_values() {
        RequestLimits limits = OrisunConfig.defaults().limits();
        assertThat(limits).isEqualTo(RequestLimits.DEFAULTS);
        assertThat(limits.criteria()).isEqualTo(1024);
        assertThat(limits.tagsPerCriterion()).isEqualTo(32);
        assertThat(limits.tagKeyLength()).isEqualTo(256);
        assertThat(limits.tagValueLength()).isEqualTo(4096);
        assertThat(limits.eventsPerSave()).isEqualTo(10_000);
        assertThat(limits.eventDataBytes()).isEqualTo(2_097_152);
        assertThat(limits.eventMetadataBytes()).isEqualTo(65_536);
        assertThat(limits.writeBudget()).isEqualTo(Duration.ofSeconds(2));
        assertThat(limits.readBudget()).isEqualTo(Duration.ofSeconds(10));
        assertThat(OrisunConfig.defaults().summary()).contains("1024 criteria of 32 tags per query",
                "write budget 2s, read budget 10s");
    }

    @Test
    void each_request_limit_is_read_from_its_own_setting() {
        RequestLimits limits = config("ORISUN_LIMIT_CRITERIA", "10", "ORISUN_LIMIT_TAGS", "3",
                "ORISUN_LIMIT_TAG_KEY_LENGTH", "1024", "ORISUN_LIMIT_TAG_VALUE_LENGTH", "12",
                "ORISUN_LIMIT_EVENTS_PER_SAVE", "7", "ORISUN_LIMIT_EVENT_DATA_BYTES", "2048",
                "ORISUN_LIMIT_EVENT_METADATA_BYTES", "512", "ORISUN_LIMIT_WRITE_BUDGET", "1750ms",
                "ORISUN_LIMIT_READ_BUDGET", "1m30s").limits();
        assertThat(limits).isEqualTo(new RequestLimits(10, 3, 1024, 12, 7, 2048, 512, Duration.ofMillis(1750),
                Duration.ofSeconds(90)));
    }

    @Test
    void criteria_times_tags_must_fit_the_parameters_of_one_statement() {
        assertThat(config("ORISUN_LIMIT_CRITERIA", "2000", "ORISUN_LIMIT_TAGS", "32").limits().criteria()).isEqualTo(2000);
        assertThat(failure("ORISUN_LIMIT_CRITERIA", "4096", "ORISUN_LIMIT_TAGS", "32").problems())
                .containsExactly("ORISUN_LIMIT_CRITERIA=4096 times ORISUN_LIMIT_TAGS=32 is 131072 tags per query;"
                        + " at most 65000 fit the parameters of one PostgreSQL statement");
    }

    @Test
    void every_size_limit_names_a_setting_that_exists() {
        assertThat(Arrays.stream(RequestLimits.Limit.values()).map(RequestLimits.Limit::setting))
                .allSatisfy(name -> assertThat(Arrays.stream(Setting.values()).map(Setting::variable)).contains(name));
    }

    @Test
    void bad_request_limits_are_all_reported_with_what_was_expected() {
        assertThat(failure("ORISUN_LIMIT_CRITERIA", "0", "ORISUN_LIMIT_TAG_KEY_LENGTH", "1025",
                "ORISUN_LIMIT_EVENT_DATA_BYTES", "1MB", "ORISUN_LIMIT_WRITE_BUDGET", "0s",
                "ORISUN_LIMIT_READ_BUDGET", "soon").problems())
                .containsExactlyInAnyOrder(
                        "ORISUN_LIMIT_CRITERIA='0' is not a number of criteria (a whole number of at least 1)",
                        "ORISUN_LIMIT_TAG_KEY_LENGTH='1025' is not a number of characters (a whole number from 1 to 1024)",
                        "ORISUN_LIMIT_EVENT_DATA_BYTES='1MB' is not a size in bytes (a whole number of at least 1)",
                        "ORISUN_LIMIT_WRITE_BUDGET='0s' is not a positive duration",
                        "ORISUN_LIMIT_READ_BUDGET='soon' is not a duration (for example 300ms, 30s, 5m, 24h or 1h30m;"
                                + " a bare number means seconds)");
    }

    @Test
    void a_rule_of_a_core_modules_settings_fails_naming_the_variable_value_and_rule() {
        assertThat(failure("ORISUN_LIMIT_WRITE_BUDGET", "750ms").problems()).containsExactly(
                "ORISUN_LIMIT_WRITE_BUDGET='750ms' is not valid for group commit: writeBudget must be at least 1s,"
                        + " got PT0.75S");
        assertThat(failure("ORISUN_AUTH_SESSION_TTL", "1s", "ORISUN_GRPC_PORT", "abc").problems()).containsExactly(
                "ORISUN_GRPC_PORT='abc' is not a port (1-65535, or 0 for any free port)",
                "ORISUN_AUTH_SESSION_TTL='1s' is not valid for the administrator account: session TTL must be at least"
                        + " 2 seconds");
        assertThat(failure("ORISUN_ADMIN_PASSWORD", "abc12", "ORISUN_AUTH_SESSION_TTL", "1s").problems())
                .as("a value already refused is not blamed again, and the secret stays masked").containsExactly(
                        "ORISUN_ADMIN_PASSWORD='****' is too short (at least 6 characters)",
                        "ORISUN_AUTH_SESSION_TTL='1s' is not valid for the administrator account: session TTL must be"
                                + " at least 2 seconds");
        assertThat(failure("ORISUN_LIMIT_CRITERIA", "4096", "ORISUN_LIMIT_TAGS", "32").problems())
                .as("a cross-variable rule is told once, not again by the record").hasSize(1);
    }

    @Test
    void the_publisher_takes_the_node_id_that_the_node_generates() {
        PublisherSettings settings = OrisunConfig.defaults().publisher();

        assertThat(settings.nodeId()).isEmpty();
        assertThat(settings.withNodeId("orisun-1a2b3c4d")).isEqualTo(PublisherSettings.of("orisun-1a2b3c4d",
                settings.batchSize(), settings.listenEnabled(), settings.leaseTimeout(), settings.stream()));
    }
}
