package io.orisun.api;

import java.util.List;

/** An atomic append of one or more events to a boundary, under a condition. */
public record SaveRequest(String boundary, AppendCondition condition, List<EventToSave> events) {

    public SaveRequest {
        java.util.Objects.requireNonNull(boundary, "boundary");
        java.util.Objects.requireNonNull(condition, "condition");
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new InvalidRequest("events must not be empty");
        }
    }
}
