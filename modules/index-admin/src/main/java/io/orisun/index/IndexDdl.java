package io.orisun.index;

import io.orisun.api.BoundarySpec;
import io.orisun.api.JsonKey;
import io.orisun.api.Tag;
import java.util.List;
import java.util.StringJoiner;

/**
 * Renders the DDL of an index definition. DDL takes no bind parameters, so keys enter it only through
 * {@link JsonKey#sqlLiteral()}, values only through {@link ValueType#literal}, and identifiers only through
 * {@link BoundaryObjects}.
 *
 * <p>A TEXT field is exactly {@code (data ->> 'key')}, the expression the event log's criteria compare, so that
 * PostgreSQL matches the two. An index whose fields are all TEXT ends with the position columns
 * {@code transaction_id, global_id}: the newest event of a criterion, which every consistency check and
 * latest-by-criteria asks for, is then one index descent, however many events share the value.
 */
final class IndexDdl {

    private IndexDdl() {
    }

    /** {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS ...}; must run outside a transaction block. */
    static String create(IndexDefinition definition, BoundaryObjects objects) {
        StringJoiner columns = new StringJoiner(", ", "(", ")");
        boolean allText = true;
        for (IndexField field : definition.fields()) {
            columns.add(fieldExpression(field.jsonKey(), field.valueType(), objects));
            allText &= field.valueType() == ValueType.TEXT;
        }
        if (allText) {
            columns.add("transaction_id").add("global_id");
        }
        StringBuilder sql = new StringBuilder(128)
                .append("CREATE INDEX CONCURRENTLY IF NOT EXISTS ")
                // CREATE INDEX takes an unqualified name: the index lives in its table's schema.
                .append(BoundarySpec.quote(definition.physicalName()))
                .append(" ON ").append(objects.events()).append(' ').append(columns);
        if (definition.isPartial()) {
            sql.append(" WHERE ").append(predicate(definition, objects));
        }
        return sql.toString();
    }

    /** The partial index predicate: every condition in parentheses, joined by the combinator. */
    static String predicate(IndexDefinition definition, BoundaryObjects objects) {
        List<IndexCondition> conditions = definition.conditions();
        StringJoiner predicate = new StringJoiner(" " + definition.combinator().name() + " ");
        for (int i = 0; i < conditions.size(); i++) {
            IndexCondition condition = conditions.get(i);
            ValueType type = definition.comparisonType(condition);
            predicate.add("(" + fieldExpression(condition.key(), type, objects) + " "
                    + condition.operator().symbol() + " "
                    + type.literal(condition.value(), "conditions[" + i + "].value") + ")");
        }
        return predicate.toString();
    }

    /** {@code DROP INDEX CONCURRENTLY IF EXISTS ...}; must run outside a transaction block. */
    static String drop(String physicalName, BoundaryObjects objects) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + objects.index(physicalName);
    }

    /** Gathers statistics for the new index's expressions, which PostgreSQL collects only on ANALYZE. */
    static String analyze(BoundaryObjects objects) {
        return "ANALYZE " + objects.events();
    }

    private static String fieldExpression(String key, ValueType type, BoundaryObjects objects) {
        if (Tag.EVENT_TYPE_KEYS.contains(key)) {
            return "event_type";
        }
        return type.expression("data ->> " + new JsonKey(key).sqlLiteral(), objects.timestampFunction());
    }
}
