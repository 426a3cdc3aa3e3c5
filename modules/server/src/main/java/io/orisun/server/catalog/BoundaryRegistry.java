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
 * that keep per-boundary state (the event log, publishers, index administration) listen for additions.
 */
public final class BoundaryRegistry {

    private final Map<String, BoundarySpec> active = new ConcurrentHashMap<>();
    private final List<Consumer<BoundarySpec>> listeners = new CopyOnWriteArrayList<>();

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

    /** Calls {@code listener} for every boundary activated from now on. */
    public void onActivated(Consumer<BoundarySpec> listener) {
        listeners.add(listener);
    }
}
