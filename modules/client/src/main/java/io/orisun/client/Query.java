package io.orisun.client;

import java.util.List;

/**
 * Criteria of which one must match (OR). A query without criteria matches every event; it can be read and
 * subscribed to, but it is no consistency context: {@link OrisunClient#decide} refuses it.
 */
public record Query(List<Criterion> criteria) {

    private static final Query ALL = new Query(List.of());

    /** Copies {@code criteria}. */
    public Query {
        criteria = List.copyOf(criteria);
    }

    /** The query that matches every event. */
    public static Query all() {
        return ALL;
    }

    /** The query matching any one of {@code criteria}. */
    public static Query anyOf(Criterion... criteria) {
        return new Query(List.of(criteria));
    }

    /** The query matching events whose payload field {@code key} is {@code value}. */
    public static Query of(String key, String value) {
        return anyOf(Criterion.of(key, value));
    }

    /** Whether this query matches every event. */
    public boolean matchesAll() {
        return criteria.isEmpty();
    }
}
