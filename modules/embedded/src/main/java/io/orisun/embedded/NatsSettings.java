package io.orisun.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the embedded nats-server is started with. The passwords are never printed, nor credentials inside route URLs.
 *
 * @param binary     the nats-server binary; absent means "look it up on the {@code PATH}"
 * @param storeDir   the JetStream directory, which also holds the configuration file, the pid file and the log
 * @param serverName the server's name, unique per cluster
 * @param host       the address the client port listens on
 * @param port       the client port
 * @param maxPayload the largest message, in bytes
 * @param user       the one user the client port admits
 * @param password   that user's password
 * @param tls        the files of TLS on the client port and the routes; absent means plain text
 * @param cluster    the cluster the server joins; absent means a single server
 */
public record NatsSettings(Optional<Path> binary, Path storeDir, String serverName, String host, int port,
                           int maxPayload, String user, String password, Optional<TlsFiles> tls,
                           Optional<Cluster> cluster) {

    private static final String MASK = "****";

    public NatsSettings {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(storeDir, "storeDir");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(cluster, "cluster");
    }

    /**
     * The PEM files of the server's TLS, which the caller has already checked to be readable and usable: the
     * routes present the certificate to each other and accept only peers whose certificate chains to the CA.
     */
    public record TlsFiles(Path certFile, Path keyFile, Path caFile) {

        public TlsFiles {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(caFile, "caFile");
        }
    }

    /**
     * The cluster the server joins.
     *
     * @param name     the cluster's name, the same on every member
     * @param host     the address the cluster port listens on
     * @param port     the port other members' routes connect to
     * @param username the username routes authenticate with; empty for no route authentication
     * @param password the password routes authenticate with
     * @param routes   route URLs of the other members, for example {@code nats://node2:6222}
     * @param timeout  the routes' authorization timeout
     */
    public record Cluster(String name, String host, int port, String username, String password, List<String> routes,
                          Duration timeout) {

        /** @throws IllegalArgumentException when the name or host is blank, the port out of range or the timeout not positive */
        public Cluster {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(timeout, "timeout");
            routes = List.copyOf(routes);
            if (name.isBlank() || host.isBlank()) {
                throw new IllegalArgumentException("a NATS cluster needs a name and a host");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("NATS cluster port " + port + " is not 1-65535");
            }
            if (!timeout.isPositive()) {
                throw new IllegalArgumentException("NATS cluster timeout must be positive");
            }
        }

        /** Like the generated form, with the password and any credentials inside route URLs masked. */
        @Override
        public String toString() {
            return "Cluster[name=" + name + ", host=" + host + ", port=" + port + ", username=" + username
                    + ", password=" + MASK + ", routes=" + routes.stream().map(NatsSettings::masked).toList()
                    + ", timeout=" + timeout + "]";
        }
    }

    /** Like the generated form, with the password masked. */
    @Override
    public String toString() {
        return "NatsSettings[binary=" + binary + ", storeDir=" + storeDir + ", serverName=" + serverName + ", host="
                + host + ", port=" + port + ", maxPayload=" + maxPayload + ", user=" + user + ", password=" + MASK
                + ", tls=" + tls + ", cluster=" + cluster + "]";
    }

    private static String masked(String url) {
        return url.replaceAll("//[^/@\\s]*@", "//" + MASK + "@");
    }
}
