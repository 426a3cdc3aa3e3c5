package io.orisun.ccc;

import io.orisun.api.EventToSave;
import io.orisun.api.Position;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A save request that passed validation and is ready to be queued: its events, and its condition (if any) with
 * the predicate already translated for the save function.
 */
record PreparedSave(List<EventToSave> events, Optional<Check> check) {

    PreparedSave {
        events = List.copyOf(events);
        Objects.requireNonNull(check, "check");
    }

    /** The consistency check of a conditional save: the context's newest event must be at {@code expected}. */
    record Check(Position expected, CriteriaSql.Predicate predicate) {

        Check {
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(predicate, "predicate");
        }
    }
}
