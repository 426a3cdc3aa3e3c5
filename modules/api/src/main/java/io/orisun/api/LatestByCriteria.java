package io.orisun.api;

import java.util.List;
import java.util.Optional;

/**
 * The newest event for each criterion of a request, in request order, read from one snapshot, and the context
 * position: the largest position among them, or {@link Position#NONE}.
 */
public record LatestByCriteria(List<Optional<Event>> latest, Position contextPosition) {

    public LatestByCriteria {
        latest = List.copyOf(latest);
    }
}
