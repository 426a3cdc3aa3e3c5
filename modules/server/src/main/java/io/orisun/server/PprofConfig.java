package io.orisun.server;

/**
 * The profiling endpoint (the JVM's counterpart of Go's pprof: JFR recordings and heap dumps).
 *
 * @param enabled whether the endpoint is served
 * @param port    its TCP port
 */
public record PprofConfig(boolean enabled, int port) {

    /** @throws IllegalArgumentException when the port is not 1-65535 */
    public PprofConfig {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("profiling port " + port + " is not 1-65535");
        }
    }
}
