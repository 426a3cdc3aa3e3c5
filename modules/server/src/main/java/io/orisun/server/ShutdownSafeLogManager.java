package io.orisun.server;

import io.orisun.server.observe.LogSetup;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that once {@link LogSetup} has installed the node's handler, {@link #reset()} does
 * nothing. The JDK resets logging from a shutdown hook of its own, which runs at the same time as the node's, so
 * without this the lines the node writes while it stops on SIGTERM (and "stopped" itself) would be lost. Installed
 * by {@link Main} through the {@code java.util.logging.manager} property before anything logs.
 */
public final class ShutdownSafeLogManager extends LogManager {

    private static volatile boolean configured;

    /** Called by the JDK's {@link LogManager} bootstrap. */
    public ShutdownSafeLogManager() {
    }

    public static void configured() {
        configured = true;
    }

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }
}
