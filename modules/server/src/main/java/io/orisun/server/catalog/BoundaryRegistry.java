package io.orisun.server.catalog;

import io.orisun.api.BoundarySpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The boundaries this node serves: the configured ones from start-up, plus those activated at runtime. Components
 * that keep per-boundary state (the event log, publishers, index administration) listen for additions, and for
 * moves of a boundary to another PostgreSQL server.
 */
public final class BoundaryRegistry {

    private final Map<String, BoundarySpec> active = new ConcurrentHashMap<>();
    private final List<Consumer<BoundarySpec>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<BoundarySpec>> moveListeners = new CopyOnWriteArrayList<>();

    public BoundaryRegistry(Collection<BoundarySpec> configured) {
        configured.forEach(b -> active.put(b.name(), b));
    }

    public Optional<BoundarySpec> find(String name) {
        return Optional.ofNullable(active.get(name));
    }

    public List<BoundarySpec> all() {
        return List.copyOf(active.values());
    }

    /**
     * Makes {@code boundary} active on this node and tells every listener, once. The schema must exist already.
     * Returns false when the boundary was active before.
     */
    public synchronized boolean activate(BoundarySpec boundary) {
        if (active.putIfAbsent(boundary.name(), boundary) != null) {
            return false;
        }
        listeners.forEach(listener -> listener.accept(boundary));
        return true;
    }

    /**
     * Serves {@code boundary}, active already, from the server its spec names from now on, and tells every move
     * listener, in the order they were added. Returns false, telling no one, when the boundary is not active or is
     * on that server already. When a listener fails, its exception propagates and the boundary stays on its old
     * server in this registry, so that calling again re-runs every listener.
     */
    public synchronized boolean move(BoundarySpec boundary) {
        BoundarySpec current = active.get(boundary.name());
        if (current == null || current.server().equals(boundary.server())) {
            return false;
        }
        // The listeners first: if one fails, the boundary stays recorded on its old server here, and the next
        // call (the catalog's next poll) runs them all again; each of them re-points idempotently.
        moveListeners.forEach(listener -> listener.accept(boundary));
        active.put(boundary.name(), boundary);
        return true;
    }

    /** Calls {@code listener} with the new spec of every boundary moved from now on. */
    public void onMoved(Consumer<BoundarySpec> listener) {
        moveListeners.add(listener);
    }

    /** Calls {@code listener} for every boundary activated from now on. */
    public void onActivated(Consumer<BoundarySpec> listener) {
        listeners.add(listener);
    }
}
