package io.orisun.server.config;

/**
 * The profiling endpoints (the JVM's counterpart of Go's pprof: on-demand JFR recordings and thread dumps), for
 * ADMIN users only.
 *
 * @param enabled whether the endpoints are served
 * @param port    their TCP port, or 0 for any free port
 */
public record PprofConfig(boolean enabled, int port) {

    /** @throws IllegalArgumentException when the port is not 0-65535 */
    public PprofConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("profiling port " + port + " is not 0-65535");
        }
    }
}
