package io.orisun.server.config;

import io.orisun.embedded.NatsSettings;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * NATS JetStream, which delivers events to live subscribers: either an external server or a nats-server that
 * Orisun-J runs as a child process. The limits of each boundary's stream are the publisher's
 * ({@link io.orisun.publisher.PublisherSettings#stream()}).
 *
 * @param url                 the external NATS URL(s); absent means "run the embedded nats-server". May carry
 *                            credentials, so it is masked when printed
 * @param serverName          the embedded nats-server's name, unique per cluster member
 * @param port                the embedded nats-server's client port
 * @param maxPayload          the embedded nats-server's largest message, in bytes
 * @param storeDir            the embedded nats-server's JetStream directory
 * @param serverPath          the nats-server binary; absent means "look it up on the PATH"
 * @param cluster             clustering of the embedded nats-server
 * @param access              client authentication and the event messages' key
 */
public record NatsConfig(Optional<String> url, String serverName, int port, int maxPayload, Path storeDir,
                         Optional<Path> serverPath, Optional<NatsSettings.Cluster> cluster, NatsAccess access) {

    /** @throws IllegalArgumentException when a value is out of range */
    public NatsConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(storeDir, "storeDir");
        Objects.requireNonNull(serverPath, "serverPath");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(access, "access");
        if (url.isPresent() && url.get().isBlank()) {
            throw new IllegalArgumentException("a NATS URL must not be blank; leave it absent for the embedded server");
        }
        if (serverName.isBlank()) {
            throw new IllegalArgumentException("the NATS server name must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("NATS port " + port + " is not 1-65535");
        }
        if (maxPayload < 1) {
            throw new IllegalArgumentException("NATS max payload must be positive");
        }
    }

    /** Whether Orisun-J runs the nats-server itself (no URL configured). */
    public boolean embedded() {
        return url.isEmpty();
    }

    /** Like the generated form, with credentials inside the URL masked. */
    @Override
    public String toString() {
        return "NatsConfig[url=" + url.map(OrisunConfig::maskCredentials) + ", serverName=" + serverName
                + ", port=" + port + ", maxPayload=" + maxPayload + ", storeDir=" + storeDir
                + ", serverPath=" + serverPath + ", cluster=" + cluster + ", access=" + access + "]";
    }
}
