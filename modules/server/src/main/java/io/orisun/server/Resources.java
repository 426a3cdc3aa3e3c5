package io.orisun.server;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a node has started and must stop, in order: {@link #closeAll()} closes the newest first, so each part
 * stops before what it depends on. A failure to close one is logged and the rest still close.
 */
final class Resources {

    private static final System.Logger LOG = System.getLogger(Resources.class.getName());

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Registers {@code resource} to close with the node, and returns it. */
    synchronized <T extends AutoCloseable> T add(T resource) {
        started.push(resource);
        return resource;
    }

    /** Closes everything registered, newest first. Safe to call more than once. */
    synchronized void closeAll() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + resource + " failed", e);
            }
        }
    }
}
