package io.orisun.ccc;

import io.orisun.api.EventToSave;
import io.orisun.api.Position;
import io.orisun.api.Query;
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

    /** Whether the save function only has to look at the events after a head the caller has read. */
    boolean hinted() {
        return check.isPresent() && check.get().seen().isPresent();
    }

    /** This save with {@code seen} as the result of its context read outside the writer lock. */
    PreparedSave withSeen(Seen seen) {
        Check condition = check.orElseThrow();
        return new PreparedSave(events, Optional.of(new Check(condition.expected(), condition.predicate(),
                Optional.of(seen))));
    }

    /**
     * The consistency check of a conditional save: the context's newest event must be at {@code expected}.
     *
     * @param seen the context as read before queueing, if it was; see {@link Seen}
     */
    record Check(Position expected, CriteriaSql.Predicate predicate, Optional<Seen> seen) {

        Check {
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(predicate, "predicate");
            Objects.requireNonNull(seen, "seen");
        }

        Check(Position expected, CriteriaSql.Predicate predicate) {
            this(expected, predicate, Optional.empty());
        }
    }

    /**
     * One read, in one snapshot, of the boundary's head and of the newest event of the check's context
     * ({@link Position#NONE} when none matched), and the query it was read for. With it, the save function
     * examines only the events after {@code head} under the writer lock.
     */
    record Seen(Position head, Position found, Query query) {

        Seen {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(found, "found");
            Objects.requireNonNull(query, "query");
        }
    }
}
