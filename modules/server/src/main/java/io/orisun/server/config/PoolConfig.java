package io.orisun.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The sizing of one PostgreSQL connection pool (write, read or admin).
 *
 * @param maxOpen     most open connections, at least 1
 * @param maxIdle     most idle connections kept, 0 to {@code maxOpen}
 * @param maxIdleTime idle time after which a connection is closed; zero means never
 * @param maxLifetime age at which a connection is replaced; zero means never
 */
public record PoolConfig(int maxOpen, int maxIdle, Duration maxIdleTime, Duration maxLifetime) {

    /** @throws IllegalArgumentException when a value is out of range */
    public PoolConfig {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("a pool needs at least one connection, not " + maxOpen);
        }
        if (maxIdle < 0 || maxIdle > maxOpen) {
            throw new IllegalArgumentException("a pool's idle connections must be 0-" + maxOpen + ", not " + maxIdle);
        }
        Objects.requireNonNull(maxIdleTime, "maxIdleTime");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (maxIdleTime.isNegative() || maxLifetime.isNegative()) {
            throw new IllegalArgumentException("pool idle time and lifetime must not be negative");
        }
    }
}
