package io.orisun.server.config;

import java.util.List;

/**
 * Every {@code ORISUN_*} variable that Orisun-J reads, with its default and a one-line description. This table
 * is the single source of the known names: {@link OrisunConfig#fromEnv} reads exactly these, warns about any
 * other {@code ORISUN_*} name, and {@code --help} and the table of the operators' configuration page
 * ({@code docs/operators/configuration.md}) are generated from or checked against it.
 *
 * <p>The variable's name is {@code ORISUN_} followed by the constant's name. An unset or blank variable takes the
 * default. For a setting whose value is optional (a path or URL that may be absent), a blank value means
 * "absent" even when the default is not blank.
 */
public enum Setting {

    GRPC_PORT("5005", "gRPC port; 0 picks a free port"),
    GRPC_ENABLE_REFLECTION("true", "serve gRPC server reflection (for grpcurl and similar tools)"),
    GRPC_MAX_RECEIVE_MESSAGE_SIZE("67108864", "largest gRPC request message accepted, in bytes"),
    GRPC_MAX_SEND_MESSAGE_SIZE("67108864", "largest gRPC response message sent, in bytes"),
    GRPC_KEEP_ALIVE_TIME("30s", "idle time after which the server pings a gRPC client"),
    GRPC_KEEP_ALIVE_TIMEOUT("5s", "time to wait for a keepalive ping's answer before closing the connection"),
    GRPC_MAX_CONCURRENT_STREAMS("10000", "most concurrent HTTP/2 streams per gRPC connection"),

    GRPC_TLS_ENABLED("false", "serve gRPC over TLS"),
    GRPC_TLS_CERT_FILE("/etc/orisun/tls/server.crt", "PEM certificate chain of the server (TLS only)"),
    GRPC_TLS_KEY_FILE("/etc/orisun/tls/server.key", "PEM private key of the server (TLS only)"),
    GRPC_TLS_CA_FILE("/etc/orisun/tls/ca.crt", "PEM CA certificates that client certificates must chain to"),
    GRPC_TLS_CLIENT_AUTH_REQUIRED("false", "require a client certificate signed by the CA (mutual TLS)"),

    PG_HOST("", "PostgreSQL host; empty starts an embedded PostgreSQL under ORISUN_DATA_DIR"),
    PG_PORT("5434", "PostgreSQL port (also the port of the embedded PostgreSQL)"),
    PG_USER("postgres", "PostgreSQL user"),
    PG_PASSWORD("postgres", "PostgreSQL password", true),
    PG_NAME("orisun", "PostgreSQL database name (created when missing on the embedded PostgreSQL)"),
    PG_SSLMODE("disable", "PostgreSQL sslmode: disable, allow, prefer, require, verify-ca or verify-full"),
    PG_LISTEN_ENABLED("true", "wake the publisher with LISTEN/NOTIFY; polling still runs as a safety net"),
    PG_PREPARE_THRESHOLD("5", "executions before the driver uses a server-side prepared statement; 0 never;"
            + " unset means 0 when ORISUN_PG_POOL_MODE=transaction"),
    PG_POOL_MODE("session", "pool mode of a pooler such as PgBouncer in front of PostgreSQL: session (also: no pooler)"
            + " or transaction"),
    PG_DIRECT_HOST("", "host for connections that need their own session (migrations, index builds, publisher"
            + " leadership and LISTEN, admin pool); empty means ORISUN_PG_HOST"),
    PG_DIRECT_PORT("", "port for those connections; empty means ORISUN_PG_PORT"),
    PG_SERVERS("", "comma-separated names of further PostgreSQL servers, each described by ORISUN_PG_SERVER_<NAME>_*"
            + " variables; empty means the default server only"),
    PG_SCHEMAS("orisun_test_1:public,orisun_test_2:test2,orisun_admin:admin",
            "comma-separated boundary:schema[:server] entries: the PostgreSQL schema of each boundary, and the server"
                    + " it is placed on (default when omitted)"),
    BOUNDARIES("", "JSON array of {\"name\": ..., \"description\": ..., \"server\": ...}; empty means the"
            + " boundaries of ORISUN_PG_SCHEMAS"),
    ADMIN_BOUNDARY("orisun_admin", "boundary that holds users and other admin state; must be configured"),

    PG_WRITE_MAX_OPEN_CONNS("25", "write pool: most open connections"),
    PG_WRITE_MAX_IDLE_CONNS("10", "write pool: most idle connections kept"),
    PG_WRITE_CONN_MAX_IDLE_TIME("5m", "write pool: idle time before a connection is closed; 0 never"),
    PG_WRITE_CONN_MAX_LIFETIME("30m", "write pool: age at which a connection is replaced; 0 never"),
    PG_READ_MAX_OPEN_CONNS("50", "read pool: most open connections"),
    PG_READ_MAX_IDLE_CONNS("25", "read pool: most idle connections kept"),
    PG_READ_CONN_MAX_IDLE_TIME("5m", "read pool: idle time before a connection is closed; 0 never"),
    PG_READ_CONN_MAX_LIFETIME("30m", "read pool: age at which a connection is replaced; 0 never"),
    PG_ADMIN_MAX_OPEN_CONNS("5", "admin pool: most open connections"),
    PG_ADMIN_MAX_IDLE_CONNS("2", "admin pool: most idle connections kept"),
    PG_ADMIN_CONN_MAX_IDLE_TIME("5m", "admin pool: idle time before a connection is closed; 0 never"),
    PG_ADMIN_CONN_MAX_LIFETIME("30m", "admin pool: age at which a connection is replaced; 0 never"),

    PG_GC_MAX_BATCH_REQUESTS("512", "group commit: most save requests written in one transaction"),
    PG_GC_MAX_BATCH_EVENTS("1024", "group commit: most events written in one transaction"),
    PG_GC_MAX_PENDING("4096", "group commit: queued save requests per boundary before callers wait"),

    LIMIT_CRITERIA("1024", "most criteria in one query (read, subscription, latest-by-criteria, save condition)"),
    LIMIT_TAGS("32", "most tags in one criterion"),
    LIMIT_TAG_KEY_LENGTH("256", "longest tag key, and index field or condition key, in characters (at most 1024)"),
    LIMIT_TAG_VALUE_LENGTH("4096", "longest tag value, and index condition value, in characters"),
    LIMIT_EVENTS_PER_SAVE("10000", "most events in one SaveEvents"),
    LIMIT_EVENT_DATA_BYTES("2097152", "largest data of one event or pub/sub message, in UTF-8 bytes"),
    LIMIT_EVENT_METADATA_BYTES("65536", "largest metadata of one event or pub/sub message, in UTF-8 bytes"),
    LIMIT_WRITE_BUDGET("2s", "longest time one request may keep a boundary's writers waiting"),
    LIMIT_READ_BUDGET("10s", "statement timeout of one read statement"),

    ADMIN_PORT("8991", "admin HTTP port; 0 picks a free port"),
    ADMIN_USERNAME("admin", "username of the administrator created at first start"),
    ADMIN_PASSWORD("changeit", "password of the administrator created at first start", true),
    AUTH_SESSION_TTL("24h", "inactivity after which an x-auth-token expires"),

    NATS_URL("", "URL of an external JetStream-enabled NATS; empty starts an embedded nats-server"),
    NATS_SERVER_NAME("orisun-nats-2", "name of the embedded nats-server; unique per node in a cluster"),
    NATS_PORT("4224", "client port of the embedded nats-server"),
    NATS_HOST("127.0.0.1", "address the embedded nats-server's client port listens on; loopback unless set, also in a"
            + " cluster"),
    NATS_USER("orisun", "user the node connects to NATS as; the embedded nats-server admits only this user"),
    NATS_PASSWORD("", "password of ORISUN_NATS_USER; empty: generated once per data directory (embedded single node"
            + " only; a cluster needs the same on every node)", true),
    NATS_TOKEN("", "token the node connects to an external NATS with, instead of a user and password", true),
    NATS_CREDS_FILE("", "NATS .creds file (user JWT and NKey seed) the node connects to an external NATS with"),
    NATS_TLS_CA_FILE("", "PEM CA certificates the NATS server's certificate must chain to; set, the node connects"
            + " over TLS (also the CA of the embedded nats-server's TLS)"),
    NATS_TLS_CERT_FILE("", "PEM certificate chain of the embedded nats-server: set with the key, TLS on its client"
            + " port and its routes (needs ORISUN_NATS_TLS_CA_FILE)"),
    NATS_TLS_KEY_FILE("", "PEM private key of the embedded nats-server (TLS only)"),
    NATS_EVENT_SECRET("", "key (at least 32 characters) with which every event message on NATS is authenticated"
            + " (HMAC-SHA256), the same on every node; empty: generated once per data directory (single node only)",
            true),
    NATS_MAX_PAYLOAD("1048576", "largest NATS message of the embedded nats-server, in bytes"),
    NATS_STORE_DIR("./data/orisun/nats", "JetStream storage directory of the embedded nats-server"),
    NATS_SERVER_PATH("", "path of the nats-server binary; empty looks it up on the PATH"),
    NATS_EVENT_STREAM_MAX_BYTES("536870912", "memory cap of each boundary's event stream, in bytes; -1 no cap"),
    NATS_EVENT_STREAM_MAX_MSGS("-1", "message cap of each boundary's event stream; -1 no cap"),
    NATS_EVENT_STREAM_MAX_AGE("5m", "how long each boundary's event stream keeps a message; 0 forever"),
    NATS_STREAM_REPLICAS("1", "JetStream replicas of each event stream (1-5; above 1 needs a NATS cluster)"),

    NATS_CLUSTER_ENABLED("false", "join the embedded nats-server to a NATS cluster"),
    NATS_CLUSTER_NAME("orisun-nats-cluster", "NATS cluster name"),
    NATS_CLUSTER_HOST("0.0.0.0", "address the cluster port listens on"),
    NATS_CLUSTER_PORT("6222", "port for routes from the other cluster members"),
    NATS_CLUSTER_USERNAME("nats", "username that cluster routes authenticate with; empty for none"),
    NATS_CLUSTER_PASSWORD("password@1", "password that cluster routes authenticate with", true),
    NATS_CLUSTER_ROUTES("nats://0.0.0.0:6223,nats://0.0.0.0:6224", "comma-separated route URLs of the other members"),
    NATS_CLUSTER_TIMEOUT("1800s", "authorization timeout of cluster routes"),

    POLLING_PUBLISHER_BATCH_SIZE("1000", "most events the publisher reads and publishes per batch"),
    PUBLISHER_LEASE_TIMEOUT("5s", "how long a silent (paused, cut-off) node keeps a boundary's publisher lease; >= 1s"),

    LOGGING_LEVEL("INFO", "log level: TRACE, DEBUG, INFO, WARN or ERROR"),
    LOG_FORMAT("text", "log format: text or json"),

    OTEL_ENABLED("false", "export OpenTelemetry traces (off by default, so nothing is sent without a collector)"),
    OTEL_ENDPOINT("localhost:4318", "collector endpoint: OTLP/gRPC for grpc:// or grpcs:// or port 4317 (Orisun's form),"
            + " otherwise OTLP/HTTP (host:port or URL; /v1/traces is added to a bare host)"),
    OTEL_SERVICE_NAME("orisun", "service name attached to exported traces"),

    PPROF_ENABLED("false", "serve the profiling endpoints (JFR recordings and thread dumps, ADMIN users only)"),
    PPROF_PORT("6060", "port of the profiling endpoints (0: any free port)"),

    DATA_DIR("./data/orisun", "directory of the node's local state, including the embedded PostgreSQL"),
    NODE_ID("", "identity of this node in a cluster; empty generates one"),
    SHUTDOWN_TIMEOUT("10s", "time given to in-flight work to finish when the server stops");

    private static final List<Setting> ALL = List.of(values());

    private final String defaultValue;
    private final String description;
    private final boolean secret;

    Setting(String defaultValue, String description) {
        this(defaultValue, description, false);
    }

    Setting(String defaultValue, String description, boolean secret) {
        this.defaultValue = defaultValue;
        this.description = description;
        this.secret = secret;
    }

    /** Every known setting, in the order of the reference table. */
    public static List<Setting> all() {
        return ALL;
    }

    /** The environment variable, for example {@code ORISUN_GRPC_PORT}. */
    public String variable() {
        return "ORISUN_" + name();
    }

    /** The value used when the variable is unset or blank; empty when the setting is absent by default. */
    public String defaultValue() {
        return defaultValue;
    }

    /** One line saying what the setting controls. */
    public String description() {
        return description;
    }

    /** Whether the value is a secret: it is never printed, in messages or anywhere else. */
    public boolean secret() {
        return secret;
    }
}
