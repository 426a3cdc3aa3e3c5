package io.orisun.client;

import java.util.List;
import java.util.Optional;

/**
 * What {@link OrisunClient#decide} did: the events it recorded (none when the decision was to do nothing), the
 * position of the last of them, and how many times it read and decided (1 without conflict).
 */
public record DecideResult(List<EventToSave> recorded, Optional<Position> position, int attempts) {

    /** Copies {@code recorded}. */
    public DecideResult {
        recorded = List.copyOf(recorded);
    }
}
