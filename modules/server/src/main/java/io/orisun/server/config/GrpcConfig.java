package io.orisun.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gRPC API listens.
 *
 * @param port                   TCP port; 0 picks a free one
 * @param reflectionEnabled      whether gRPC server reflection is served
 * @param maxReceiveMessageBytes largest request message accepted, in bytes
 * @param maxSendMessageBytes    largest response message sent, in bytes
 * @param keepAliveTime          idle time after which the server pings a client
 * @param keepAliveTimeout       time to wait for the ping's answer before the connection is closed
 * @param maxConcurrentStreams   most concurrent HTTP/2 streams per connection
 */
public record GrpcConfig(int port, boolean reflectionEnabled, int maxReceiveMessageBytes, int maxSendMessageBytes,
                         Duration keepAliveTime, Duration keepAliveTimeout, int maxConcurrentStreams) {

    /** @throws IllegalArgumentException when a value is out of range */
    public GrpcConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("gRPC port " + port + " is not 0-65535");
        }
        if (maxReceiveMessageBytes < 1 || maxSendMessageBytes < 1) {
            throw new IllegalArgumentException("gRPC message size limits must be positive");
        }
        Objects.requireNonNull(keepAliveTime, "keepAliveTime");
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        if (!keepAliveTime.isPositive() || !keepAliveTimeout.isPositive()) {
            throw new IllegalArgumentException("gRPC keepalive time and timeout must be positive");
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("gRPC max concurrent streams must be positive");
        }
    }
}
