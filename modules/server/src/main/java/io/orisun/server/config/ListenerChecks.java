package io.orisun.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules that relate the settings of the node's listeners and its PostgreSQL endpoints: TLS files, a pooler in front
 * of PostgreSQL, and two listeners on one port. Each rule is checked only when its inputs parsed, so that a
 * malformed value is not reported twice.
 */
final class ListenerChecks {

    private ListenerChecks() {
    }

    /**
     * The rules of a pooler in front of PostgreSQL. Transaction pooling cannot carry the session state that
     * migrations, index builds and the publisher's leadership lock and LISTEN need, so it requires a direct
     * endpoint of its own: silently sending those through the pooler would let two nodes lead one boundary.
     */
    static void checkPooler(EnvReader in, boolean external, boolean transactionPooling, int prepareThreshold) {
        boolean directSet = in.isSet(Setting.PG_DIRECT_HOST) || in.isSet(Setting.PG_DIRECT_PORT);
        if (!external && (transactionPooling || directSet)) {
            Setting culprit = transactionPooling ? Setting.PG_POOL_MODE
                    : in.isSet(Setting.PG_DIRECT_HOST) ? Setting.PG_DIRECT_HOST : Setting.PG_DIRECT_PORT;
            in.problem(culprit, "applies to an external PostgreSQL only (set ORISUN_PG_HOST)");
            return;
        }
        if (transactionPooling && !directSet) {
            in.problem(Setting.PG_POOL_MODE, "needs ORISUN_PG_DIRECT_HOST and/or ORISUN_PG_DIRECT_PORT: the address"
                    + " of PostgreSQL itself or of a session-mode pool, for migrations, index builds and the"
                    + " publisher's leadership lock and LISTEN, which cannot go through transaction pooling");
        }
        if (transactionPooling && prepareThreshold > 0 && !in.failed(Setting.PG_PREPARE_THRESHOLD)) {
            in.warn("ORISUN_PG_PREPARE_THRESHOLD=" + prepareThreshold + " with ORISUN_PG_POOL_MODE=transaction"
                    + " needs a pooler that tracks prepared statements (PgBouncer 1.21+ with max_prepared_statements);"
                    + " use 0 otherwise");
        }
    }

    /** TLS of the gRPC listener needs a readable certificate and key, and a CA when client certificates are required. */
    static void checkTls(EnvReader in, boolean enabled, Optional<Path> cert, Optional<Path> key, Optional<Path> ca,
                         boolean clientAuth) {
        if (in.failed(Setting.GRPC_TLS_ENABLED) || in.failed(Setting.GRPC_TLS_CLIENT_AUTH_REQUIRED)) {
            return;
        }
        if (clientAuth && !enabled) {
            in.problem(Setting.GRPC_TLS_CLIENT_AUTH_REQUIRED, "needs ORISUN_GRPC_TLS_ENABLED=true");
            return;
        }
        if (!enabled) {
            return;
        }
        requireReadable(in, Setting.GRPC_TLS_CERT_FILE, cert, "ORISUN_GRPC_TLS_ENABLED=true");
        requireReadable(in, Setting.GRPC_TLS_KEY_FILE, key, "ORISUN_GRPC_TLS_ENABLED=true");
        if (clientAuth) {
            requireReadable(in, Setting.GRPC_TLS_CA_FILE, ca, "ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED=true");
        }
    }

    private static void requireReadable(EnvReader in, Setting setting, Optional<Path> file, String because) {
        if (in.failed(setting)) {
            return;
        }
        if (file.isEmpty()) {
            in.crossProblem(setting.variable() + " is empty, but " + because + " needs it");
        } else if (!Files.isRegularFile(file.get()) || !Files.isReadable(file.get())) {
            in.problem(setting, "is not a readable file (needed because " + because + ")");
        }
    }

    /** Two listeners of this process on one port would fail at start-up with a less helpful bind error. */
    static void checkPortClashes(EnvReader in, boolean embeddedPostgres, boolean embeddedNats, boolean cluster,
                                 boolean pprof) {
        List<Setting> listeners = new ArrayList<>(List.of(Setting.GRPC_PORT, Setting.ADMIN_PORT));
        if (embeddedPostgres) {
            listeners.add(Setting.PG_PORT);
        }
        if (embeddedNats) {
            listeners.add(Setting.NATS_PORT);
            if (cluster) {
                listeners.add(Setting.NATS_CLUSTER_PORT);
            }
        }
        if (pprof) {
            listeners.add(Setting.PPROF_PORT);
        }
        Map<Integer, Setting> byPort = new LinkedHashMap<>();
        for (Setting listener : listeners) {
            if (in.failed(listener)) {
                continue;
            }
            int port = Integer.parseInt(in.text(listener));
            if (port == 0) {
                continue;
            }
            Setting earlier = byPort.putIfAbsent(port, listener);
            if (earlier != null) {
                in.problem(listener, "is already the port of " + earlier.variable());
            }
        }
    }
}
