package io.orisun.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * NATS JetStream, which delivers events to live subscribers: either an external server or a nats-server that
 * Orisun-J runs as a child process.
 *
 * @param url                 the external NATS URL(s); absent means "run the embedded nats-server". May carry
 *                            credentials, so it is masked when printed
 * @param serverName          the embedded nats-server's name, unique per cluster member
 * @param port                the embedded nats-server's client port
 * @param maxPayload          the embedded nats-server's largest message, in bytes
 * @param storeDir            the embedded nats-server's JetStream directory
 * @param serverPath          the nats-server binary; absent means "look it up on the PATH"
 * @param streamMaxBytes      memory cap of each boundary's event stream, or -1 for none
 * @param streamMaxMessages   message cap of each boundary's event stream, or -1 for none
 * @param streamMaxAge        how long each event stream keeps a message; zero means no age limit
 * @param streamReplicas      JetStream replicas of each event stream, 1-5
 * @param cluster             clustering of the embedded nats-server
 * @param access              client authentication and the event messages' key
 */
public record NatsConfig(Optional<String> url, String serverName, int port, int maxPayload, Path storeDir,
                         Optional<Path> serverPath, long streamMaxBytes, long streamMaxMessages, Duration streamMaxAge,
                         int streamReplicas, NatsClusterConfig cluster, NatsAccess access) {

    /** The most JetStream replicas a stream may have. */
    public static final int MAX_REPLICAS = 5;

    /** @throws IllegalArgumentException when a value is out of range */
    public NatsConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(storeDir, "storeDir");
        Objects.requireNonNull(serverPath, "serverPath");
        Objects.requireNonNull(streamMaxAge, "streamMaxAge");
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
        if (streamMaxBytes == 0 || streamMaxBytes < -1 || streamMaxMessages == 0 || streamMaxMessages < -1) {
            throw new IllegalArgumentException("event stream caps must be positive or -1 (no cap)");
        }
        if (streamMaxAge.isNegative()) {
            throw new IllegalArgumentException("event stream max age must not be negative");
        }
        if (streamReplicas < 1 || streamReplicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("event stream replicas must be 1-" + MAX_REPLICAS);
        }
        if (streamReplicas > 1 && url.isEmpty() && !cluster.enabled()) {
            throw new IllegalArgumentException("more than one stream replica needs a NATS cluster");
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
                + ", serverPath=" + serverPath + ", streamMaxBytes=" + streamMaxBytes
                + ", streamMaxMessages=" + streamMaxMessages + ", streamMaxAge=" + streamMaxAge
                + ", streamReplicas=" + streamReplicas + ", cluster=" + cluster + ", access=" + access + "]";
    }
}
