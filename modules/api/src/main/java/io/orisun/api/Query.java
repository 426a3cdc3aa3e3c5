package io.orisun.api;

import java.util.List;

/**
 * A disjunction of criteria: an event matches when any criterion matches. A query without criteria, or with a
 * criterion that has no tags, matches every event of the boundary.
 */
public record Query(List<Criterion> criteria) {

    private static final Query ALL = new Query(List.of());

    public Query {
        criteria = List.copyOf(criteria);
    }

    /** The query that matches every event. */
    public static Query all() {
        return ALL;
    }

    public static Query of(Criterion... criteria) {
        return new Query(List.of(criteria));
    }

    /** Whether this query matches every event, so that no filter needs to run. */
    public boolean matchesEverything() {
        return criteria.isEmpty() || criteria.stream().anyMatch(c -> c.tags().isEmpty());
    }
}
