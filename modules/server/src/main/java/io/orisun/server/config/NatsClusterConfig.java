package io.orisun.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Clustering of the embedded nats-server with the nats-servers of other Orisun-J nodes.
 *
 * @param enabled  whether the embedded nats-server joins a cluster
 * @param name     the cluster's name, the same on every member
 * @param host     the address the cluster port listens on
 * @param port     the port other members' routes connect to
 * @param username the username routes authenticate with; empty for no route authentication
 * @param password the password routes authenticate with; never printed
 * @param routes   route URLs of the other members, for example {@code nats://node2:6222}
 * @param timeout  the routes' authorization timeout
 */
public record NatsClusterConfig(boolean enabled, String name, String host, int port, String username,
                                String password, List<String> routes, Duration timeout) {

    /** @throws IllegalArgumentException when a value is out of range */
    public NatsClusterConfig {
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
        return "NatsClusterConfig[enabled=" + enabled + ", name=" + name + ", host=" + host + ", port=" + port
                + ", username=" + username + ", password=" + OrisunConfig.MASK
                + ", routes=" + routes.stream().map(OrisunConfig::maskCredentials).toList()
                + ", timeout=" + timeout + "]";
    }
}
