package io.orisun.client;

import java.util.List;

/**
 * The decision of a check-decide-record step: given every event of the context, oldest first, and the context's
 * position, the events to record. It must be a pure function of its inputs, because {@link OrisunClient#decide}
 * calls it again on a fresher context after a conflict. Returning no events records nothing. To refuse a command,
 * throw: the exception reaches the caller of {@code decide} unchanged.
 */
@FunctionalInterface
public interface Decider {

    /** The events to record, given the context's {@code events} and its {@code position}. */
    List<EventToSave> decide(List<Event> events, Position position);
}
