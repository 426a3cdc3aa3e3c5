package io.orisun.client;

import java.util.List;

/**
 * A decision over a state folded from the context's events, so that a {@link SnapshotStore} can stand in for the
 * events it already covers. All three methods must be pure; {@code evolve} may return a new state or the updated
 * one.
 *
 * @param <S> the state type
 */
public interface StatefulDecider<S> {

    /** The state of a context without events. */
    S initial();

    /** The state after {@code event}. */
    S evolve(S state, Event event);

    /** The events to record given the context's {@code state} at {@code position}; none records nothing. */
    List<EventToSave> decide(S state, Position position);
}
