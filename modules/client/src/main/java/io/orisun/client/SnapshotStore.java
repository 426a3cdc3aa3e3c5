package io.orisun.client;

import java.util.Optional;

/**
 * Where {@link OrisunClient#decide(String, Query, StatefulDecider, SnapshotStore)} keeps folded states, keyed by
 * the context query. The application supplies it (a map, a table, a cache); a store may drop snapshots at any
 * time, since the client then folds from the first event.
 *
 * @param <S> the state type
 */
public interface SnapshotStore<S> {

    /** The newest snapshot of {@code query}'s context, if any. */
    Optional<Snapshot<S>> load(Query query);

    /** Keeps {@code snapshot} for {@code query}, replacing an older one. */
    void save(Query query, Snapshot<S> snapshot);
}
