package io.orisun.ccc;

import io.orisun.api.Criterion;
import io.orisun.api.JsonKey;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates criteria into a SQL predicate over a boundary's event table. Reads, latest-by-criteria and the
 * consistency check of saves all use this one translation, so what a reader sees as "the context" is exactly
 * what a save checks.
 *
 * <p>Criteria are OR-ed and the tags of one criterion AND-ed. A tag {@code k=v} becomes {@code data->>'k' = v},
 * where the key is a SQL literal from {@link JsonKey#sqlLiteral()} (a constant, so an expression index on
 * {@code data->>'k'} can serve it) and the value is always a placeholder. The reserved keys {@code eventType} and
 * {@code event_type} compare the {@code event_type} column.
 */
final class CriteriaSql {

    private CriteriaSql() {
    }

    /** How a predicate refers to its values. */
    enum Binding {
        /** JDBC {@code ?} parameters, bound in order. */
        JDBC,
        /**
         * Elements {@code (c.v ->> i)} of the jsonb array column {@code v} of the row {@code c} that the save
         * function joins with the events, one row per conditional save; see V3__linear_check.sql for why a jsonb
         * element rather than a text array subscript.
         */
        ROW;

        String placeholder(int oneBasedIndex) {
            return this == JDBC ? "?" : "(c.v ->> " + (oneBasedIndex - 1) + ")";
        }
    }

    /**
     * A predicate and its values in placeholder order. {@link #EVERYTHING} is {@code TRUE} and has no values.
     */
    record Predicate(String sql, List<String> values) {

        static final Predicate EVERYTHING = new Predicate("TRUE", List.of());

        Predicate {
            values = List.copyOf(values);
        }

        boolean matchesEverything() {
            return this == EVERYTHING;
        }
    }

    /** The predicate of a whole query; {@link Predicate#EVERYTHING} when the query matches every event. */
    static Predicate of(Query query, Binding binding) {
        if (query.matchesEverything()) {
            return Predicate.EVERYTHING;
        }
        StringBuilder sql = new StringBuilder(64);
        List<String> values = new ArrayList<>();
        sql.append('(');
        for (int i = 0; i < query.criteria().size(); i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            appendCriterion(sql, query.criteria().get(i), binding, values);
        }
        sql.append(')');
        return new Predicate(sql.toString(), values);
    }

    /** The predicate of one criterion; {@link Predicate#EVERYTHING} when it has no tags. */
    static Predicate of(Criterion criterion, Binding binding) {
        if (criterion.tags().isEmpty()) {
            return Predicate.EVERYTHING;
        }
        StringBuilder sql = new StringBuilder(32);
        List<String> values = new ArrayList<>();
        appendCriterion(sql, criterion, binding, values);
        return new Predicate(sql.toString(), values);
    }

    private static void appendCriterion(StringBuilder sql, Criterion criterion, Binding binding, List<String> values) {
        sql.append('(');
        List<Tag> tags = criterion.tags();
        for (int i = 0; i < tags.size(); i++) {
            Tag tag = tags.get(i);
            if (i > 0) {
                sql.append(" AND ");
            }
            if (tag.isEventType()) {
                sql.append("event_type");
            } else {
                sql.append("data->>").append(new JsonKey(tag.key()).sqlLiteral());
            }
            values.add(tag.value());
            sql.append(" = ").append(binding.placeholder(values.size()));
        }
        sql.append(')');
    }
}
