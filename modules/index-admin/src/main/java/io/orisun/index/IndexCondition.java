package io.orisun.index;

import io.orisun.api.InvalidRequest;
import io.orisun.api.JsonKey;
import io.orisun.api.OrisunException;
import io.orisun.api.Tag;
import java.util.Objects;

/**
 * One condition of a partial index: the payload key {@code key} compared with {@code value} by {@code operator}.
 * The reserved keys {@code eventType} and {@code event_type} compare the event type column. Which type the
 * comparison uses is decided by the index definition (see {@link IndexDefinition}); {@code value} is checked
 * against that type when the definition is made.
 *
 * @throws InvalidRequest for an empty or refused key, or a value with a NUL character or too long
 */
public record IndexCondition(String key, Operator operator, String value) {

    public IndexCondition {
        if (key == null || key.isEmpty()) {
            throw new InvalidRequest("every index condition needs a key");
        }
        new JsonKey(key);
        Objects.requireNonNull(operator, "operator");
        value = value == null ? "" : value;
        if (value.indexOf('\0') >= 0) {
            throw new InvalidRequest("an index condition value must not contain a NUL character");
        }
        if (value.length() > ValueType.MAX_VALUE_LENGTH) {
            throw new InvalidRequest("an index condition value is longer than " + ValueType.MAX_VALUE_LENGTH
                    + " characters");
        }
    }

    /**
     * A condition with the operator as clients write it.
     *
     * @throws InvalidRequest when the operator is not one of {@code =, >, <, >=, <=}
     */
    public static IndexCondition of(String key, String operator, String value) {
        return new IndexCondition(key, Operator.parse(operator), value);
    }

    /** Whether this condition compares the event type column rather than a payload field. */
    public boolean isEventType() {
        return Tag.EVENT_TYPE_KEYS.contains(key);
    }

    /** The comparisons a condition may make. */
    public enum Operator {
        EQUAL("="),
        GREATER(">"),
        LESS("<"),
        GREATER_OR_EQUAL(">="),
        LESS_OR_EQUAL("<=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        /** The operator as clients write it and as it appears in SQL. */
        public String symbol() {
            return symbol;
        }

        /** Whether the operator orders values rather than matching one. */
        public boolean isRange() {
            return this != EQUAL;
        }

        /**
         * The operator written as {@code symbol}, surrounding blanks ignored.
         *
         * @throws InvalidRequest for anything but {@code =, >, <, >=, <=}
         */
        public static Operator parse(String symbol) {
            String trimmed = symbol == null ? "" : symbol.strip();
            for (Operator operator : values()) {
                if (operator.symbol.equals(trimmed)) {
                    return operator;
                }
            }
            throw new InvalidRequest("index condition operator '" + OrisunException.echo(trimmed)
                    + "' is not one of =, >, <, >=, <=");
        }
    }
}
