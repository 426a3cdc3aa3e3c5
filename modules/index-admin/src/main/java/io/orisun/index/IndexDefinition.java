package io.orisun.index;

import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An index on a boundary's events, as a client defines it: a btree over {@code fields} in order, optionally
 * partial, holding only the events for which the {@code conditions}, combined by {@code combinator}, hold.
 *
 * <p><b>Names.</b> {@code name} is an identifier ({@code [A-Za-z_][A-Za-z0-9_]*}); the index is created in the
 * boundary's schema as {@code "<boundary>_<name>_idx"}, which must fit PostgreSQL's 63 characters.
 *
 * <p><b>How conditions compare.</b> A condition on a key that is also a field of the index compares in that
 * field's type, so {@code amount > 100} on a NUMERIC {@code amount} compares numbers, not text. A condition on the
 * event type compares text. A condition on another key compares text, except that {@code >, <, >=, <=} with a
 * numeric value compare numbers. Every value is checked against its comparison type here.
 *
 * <p>With fewer than two conditions the combinator has no effect, and it is normalised to {@link Combinator#AND}
 * so that equal definitions compare equal.
 *
 * @throws InvalidRequest for an invalid boundary or index name, a name too long for PostgreSQL, no fields, too
 *                        many fields or conditions, a repeated field, or a condition value not of its type
 */
public record IndexDefinition(String boundary, String name, List<IndexField> fields, List<IndexCondition> conditions,
                              Combinator combinator) {

    /** The most fields of one index: PostgreSQL's 32 columns, less the two position columns a TEXT index ends with. */
    public static final int MAX_FIELDS = 30;
    /** The most conditions of one partial index. */
    public static final int MAX_CONDITIONS = 32;
    /** PostgreSQL's longest identifier, in bytes; names here are ASCII. */
    static final int MAX_IDENTIFIER_LENGTH = 63;
    private static final String PHYSICAL_SUFFIX = "_idx";

    public IndexDefinition {
        BoundarySpec.requireBoundaryName(boundary);
        BoundarySpec.requireIdentifier("index", name);
        String physical = boundary + "_" + name + PHYSICAL_SUFFIX;
        if (physical.length() > MAX_IDENTIFIER_LENGTH) {
            throw new InvalidRequest("index name '" + name + "' is too long for boundary " + boundary + ": the index "
                    + physical + " would exceed " + MAX_IDENTIFIER_LENGTH + " characters, so the name may have at most "
                    + (MAX_IDENTIFIER_LENGTH - boundary.length() - 1 - PHYSICAL_SUFFIX.length()) + " characters");
        }
        fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
        conditions = List.copyOf(Objects.requireNonNull(conditions, "conditions"));
        Objects.requireNonNull(combinator, "combinator");
        if (fields.isEmpty()) {
            throw new InvalidRequest("an index needs at least one field");
        }
        if (fields.size() > MAX_FIELDS) {
            throw new InvalidRequest("an index may have at most " + MAX_FIELDS + " fields, not " + fields.size());
        }
        if (conditions.size() > MAX_CONDITIONS) {
            throw new InvalidRequest("an index may have at most " + MAX_CONDITIONS + " conditions, not "
                    + conditions.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < fields.size(); i++) {
            IndexField field = fields.get(i);
            if (!seen.add(field.isEventType() ? "\0eventType" : field.jsonKey())) {
                throw new InvalidRequest("fields[" + i + "] repeats the key " + OrisunException.echo(field.jsonKey()));
            }
        }
        if (conditions.size() < 2) {
            combinator = Combinator.AND;
        }
        for (int i = 0; i < conditions.size(); i++) {
            IndexCondition condition = conditions.get(i);
            comparisonType(fields, condition).literal(condition.value(), "conditions[" + i + "].value");
        }
    }

    /** A plain index over {@code fields}, without conditions. */
    public static IndexDefinition of(String boundary, String name, IndexField... fields) {
        return new IndexDefinition(boundary, name, List.of(fields), List.of(), Combinator.AND);
    }

    /** The name of the PostgreSQL index, {@code <boundary>_<name>_idx}, in the boundary's schema. */
    public String physicalName() {
        return boundary + "_" + name + PHYSICAL_SUFFIX;
    }

    /** Whether the index holds only the events that satisfy its conditions. */
    public boolean isPartial() {
        return !conditions.isEmpty();
    }

    /** The type in which {@code condition} compares its key with its value; see the class description. */
    public ValueType comparisonType(IndexCondition condition) {
        return comparisonType(fields, condition);
    }

    private static ValueType comparisonType(List<IndexField> fields, IndexCondition condition) {
        if (condition.isEventType()) {
            return ValueType.TEXT;
        }
        for (IndexField field : fields) {
            if (!field.isEventType() && field.jsonKey().equals(condition.key())) {
                return field.valueType();
            }
        }
        return condition.operator().isRange() && ValueType.isNumber(condition.value())
                ? ValueType.NUMERIC : ValueType.TEXT;
    }
}
