package io.orisun.server.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules that relate the NATS settings: how the node proves itself to NATS, TLS of the embedded nats-server, and
 * what a cluster of embedded nats-servers needs from configuration. Each rule is checked only when its inputs
 * parsed, so that a malformed value is not reported twice.
 */
final class NatsChecks {

    private NatsChecks() {
    }

    /** More than one replica of a stream needs more than one nats-server. */
    static void checkReplicas(EnvReader in, int replicas, boolean external, boolean clusterEnabled) {
        if (replicas > 1 && !external && !clusterEnabled) {
            in.problem(Setting.NATS_STREAM_REPLICAS,
                    "needs a NATS cluster (ORISUN_NATS_CLUSTER_ENABLED=true or an external ORISUN_NATS_URL)");
        }
    }

    /**
     * How the node proves itself to NATS: one of a password, a token or a creds file; the last two only to an
     * external NATS, since the embedded one admits its user by password. TLS files must be readable, and the
     * embedded nats-server's certificate and key come together, with the CA its routes and the node verify it by.
     */
    static void checkCredentials(EnvReader in, boolean external, Optional<String> password, Optional<String> token,
                                 Optional<Path> creds, Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
        if (!external) {
            if (token.isPresent()) {
                in.problem(Setting.NATS_TOKEN, "applies to an external NATS only (set ORISUN_NATS_URL); the embedded"
                        + " nats-server admits ORISUN_NATS_USER with ORISUN_NATS_PASSWORD");
            }
            if (creds.isPresent()) {
                in.problem(Setting.NATS_CREDS_FILE, "applies to an external NATS only (set ORISUN_NATS_URL); the"
                        + " embedded nats-server admits ORISUN_NATS_USER with ORISUN_NATS_PASSWORD");
            }
        } else if (cert.isPresent() || key.isPresent()) {
            in.problem(cert.isPresent() ? Setting.NATS_TLS_CERT_FILE : Setting.NATS_TLS_KEY_FILE,
                    "applies to the embedded nats-server only; an external NATS has its own TLS configuration");
        }
        List<String> given = new ArrayList<>();
        password.ifPresent(p -> given.add("ORISUN_NATS_PASSWORD"));
        token.ifPresent(t -> given.add("ORISUN_NATS_TOKEN"));
        creds.ifPresent(c -> given.add("ORISUN_NATS_CREDS_FILE"));
        if (given.size() > 1) {
            in.crossProblem(String.join(" and ", given) + " are both set; the node connects to NATS with one of"
                    + " a password, a token or a creds file");
            in.markFailed(Setting.NATS_TOKEN);
        }
        if (cert.isPresent() != key.isPresent()) {
            Setting missing = cert.isPresent() ? Setting.NATS_TLS_KEY_FILE : Setting.NATS_TLS_CERT_FILE;
            Setting present = cert.isPresent() ? Setting.NATS_TLS_CERT_FILE : Setting.NATS_TLS_KEY_FILE;
            in.crossProblem(missing.variable() + " is empty, but " + present.variable() + " needs it");
            in.markFailed(missing);
        } else if (!external && ca.isPresent() && cert.isEmpty()) {
            in.crossProblem("ORISUN_NATS_TLS_CA_FILE is set, but the embedded nats-server speaks TLS only with"
                    + " ORISUN_NATS_TLS_CERT_FILE and ORISUN_NATS_TLS_KEY_FILE");
            in.markFailed(Setting.NATS_TLS_CA_FILE);
        } else if (cert.isPresent() && ca.isEmpty() && !external) {
            in.crossProblem("ORISUN_NATS_TLS_CA_FILE is empty, but ORISUN_NATS_TLS_CERT_FILE needs it: the routes"
                    + " and the node verify the nats-server's certificate by it");
            in.markFailed(Setting.NATS_TLS_CA_FILE);
        }
        for (var file : List.of(Map.entry(Setting.NATS_CREDS_FILE, creds), Map.entry(Setting.NATS_TLS_CA_FILE, ca),
                Map.entry(Setting.NATS_TLS_CERT_FILE, cert), Map.entry(Setting.NATS_TLS_KEY_FILE, key))) {
            Optional<Path> path = file.getValue();
            if (path.isPresent() && !in.failed(file.getKey())
                    && (!Files.isRegularFile(path.get()) || !Files.isReadable(path.get()))) {
                in.problem(file.getKey(), "is not a readable file");
            }
        }
    }

    /**
     * Routes that other hosts can reach must not be protected by Orisun's published default password, or by none:
     * anyone who can reach the cluster port could join the cluster and read or write every stream. Routes on
     * loopback only (several nodes on one machine, as in tests) may keep the default.
     */
    static void checkRouteAuthentication(EnvReader in, String host, String user, String password, List<String> routes) {
        if (in.failed(Setting.NATS_CLUSTER_HOST) || in.failed(Setting.NATS_CLUSTER_ROUTES)) {
            return;
        }
        List<String> exposed = new ArrayList<>();
        if (!isLoopback(host)) {
            exposed.add("ORISUN_NATS_CLUSTER_HOST=" + host);
        }
        for (String route : routes) {
            String routeHost = URI.create(route).getHost();
            // A connection to 0.0.0.0 reaches this machine (Orisun's default routes), like one to loopback.
            if (!isLoopback(routeHost) && !routeHost.equals("0.0.0.0")) {
                exposed.add("a route to " + routeHost);
                break;
            }
        }
        if (exposed.isEmpty()) {
            return;
        }
        String because = " while the routes are not on loopback only (" + String.join(", ", exposed) + ")";
        if (user.isEmpty()) {
            in.crossProblem("ORISUN_NATS_CLUSTER_USERNAME is empty, which turns route authentication off," + because
                    + "; set ORISUN_NATS_CLUSTER_USERNAME and ORISUN_NATS_CLUSTER_PASSWORD on every node");
        } else if (password.equals(Setting.NATS_CLUSTER_PASSWORD.defaultValue())) {
            in.problem(Setting.NATS_CLUSTER_PASSWORD, "is Orisun's published default, refused" + because
                    + "; set a password of your own in ORISUN_NATS_CLUSTER_PASSWORD, the same on every node and in"
                    + " the credentials of ORISUN_NATS_CLUSTER_ROUTES");
        }
    }

    /**
     * The secrets every member of a cluster of embedded nats-servers must share. Each node generating its own
     * would leave the members unable to use each other's servers and to check each other's event messages.
     */
    static void checkClusterSecrets(EnvReader in, Optional<String> password, Optional<String> eventSecret) {
        if (in.failed(Setting.NATS_CLUSTER_ENABLED)) {
            return;
        }
        if (password.isEmpty()) {
            in.crossProblem("ORISUN_NATS_PASSWORD is empty, but ORISUN_NATS_CLUSTER_ENABLED=true needs the same"
                    + " client password on every node");
        }
        if (eventSecret.isEmpty() && !in.failed(Setting.NATS_EVENT_SECRET)) {
            in.crossProblem("ORISUN_NATS_EVENT_SECRET is empty, but ORISUN_NATS_CLUSTER_ENABLED=true needs the same"
                    + " secret on every node (at least " + NatsAccess.MIN_SECRET_LENGTH + " characters)");
        }
    }

    /** Whether {@code host} is a loopback address or {@code localhost}, without asking a resolver. */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") || bare.startsWith("127.") || bare.equals("::1");
    }
}
