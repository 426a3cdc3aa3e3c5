package io.orisun.index;

import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How an index reads a payload field, and so how its values order and compare.
 *
 * <ul>
 *   <li>{@link #TEXT}: the field's text, {@code (data ->> 'key')}. The only type that serves the event log's
 *       criteria, which compare {@code data->>'key'} for equality.</li>
 *   <li>{@link #NUMERIC}: {@code ((data ->> 'key')::numeric)}.</li>
 *   <li>{@link #BOOLEAN}: {@code ((data ->> 'key')::boolean)}.</li>
 *   <li>{@link #TIMESTAMPTZ}: the text read as an ISO-8601 timestamp, a value without an offset meaning UTC.</li>
 * </ul>
 *
 * <p>An index over a typed field requires every event that has the field to hold a value of that type: the build
 * fails otherwise, and once the index exists, a save with a value that does not convert is rejected.
 */
public enum ValueType {
    TEXT,
    NUMERIC,
    BOOLEAN,
    TIMESTAMPTZ;

    /** The longest condition value accepted, in characters. */
    static final int MAX_VALUE_LENGTH = 1024;

    /**
     * The SQL expression of a payload field of this type. {@code text} is the field's text, such as
     * {@code data ->> 'key'}; {@code timestampFunction} the qualified name of the boundary's conversion function.
     */
    String expression(String text, String timestampFunction) {
        return switch (this) {
            case TEXT -> "(" + text + ")";
            case NUMERIC -> "((" + text + ")::numeric)";
            case BOOLEAN -> "((" + text + ")::boolean)";
            case TIMESTAMPTZ -> "(" + timestampFunction + "(" + text + "))";
        };
    }

    /**
     * {@code value} as a SQL constant of this type, for a partial index condition, after checking that it is one.
     * DDL takes no bind parameters, so this is the one place where a client's value enters SQL text: it is parsed
     * and re-rendered for the typed cases, and quoted with every quote doubled for text.
     *
     * @throws InvalidRequest when the value is not of this type; {@code what} names it in the message
     */
    String literal(String value, String what) {
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new InvalidRequest(what + " is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        return switch (this) {
            case TEXT -> textLiteral(value);
            case NUMERIC -> "'" + numeric(value, what).toString() + "'::numeric";
            case BOOLEAN -> bool(value, what) ? "true" : "false";
            case TIMESTAMPTZ -> "'" + instant(value, what) + "'::timestamptz";
        };
    }

    /** Whether {@code value} reads as a number, as {@link #NUMERIC} accepts it. */
    static boolean isNumber(String value) {
        try {
            numeric(value, "value");
            return true;
        } catch (InvalidRequest e) {
            return false;
        }
    }

    private static String textLiteral(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new InvalidRequest("a condition value must not contain a NUL character");
        }
        String doubled = value.replace("'", "''");
        // An escape string means the same whatever standard_conforming_strings says; only backslashes need it.
        if (value.indexOf('\\') >= 0) {
            return "E'" + doubled.replace("\\", "\\\\") + "'";
        }
        return "'" + doubled + "'";
    }

    private static BigDecimal numeric(String value, String what) {
        String trimmed = value.strip();
        try {
            if (trimmed.isEmpty() || !trimmed.chars().allMatch(c -> "0123456789+-.eE".indexOf(c) >= 0)) {
                throw new NumberFormatException();
            }
            BigDecimal number = new BigDecimal(trimmed);
            // PostgreSQL's numeric holds at most 131072 digits before the point and 16383 after it.
            if (number.precision() - number.scale() > 131_072 || number.scale() > 16_383) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new InvalidRequest(what + " '" + shortened(value) + "' is not a NUMERIC value");
        }
    }

    private static boolean bool(String value, String what) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequest(what + " '" + shortened(value) + "' is not a BOOLEAN value"
                    + " (true or false)");
        };
    }

    private static Instant instant(String value, String what) {
        String trimmed = value.strip();
        Instant instant;
        try {
            instant = OffsetDateTime.parse(trimmed).toInstant();
        } catch (DateTimeParseException withOffset) {
            try {
                instant = LocalDateTime.parse(trimmed).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException withoutOffset) {
                try {
                    instant = LocalDate.parse(trimmed).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException date) {
                    throw new InvalidRequest(what + " '" + shortened(value) + "' is not a TIMESTAMPTZ value"
                            + " (an ISO-8601 date or date-time, such as 2024-05-01T12:00:00Z)");
                }
            }
        }
        int year = instant.atOffset(ZoneOffset.UTC).getYear();
        if (year < 1 || year > 9999) {
            throw new InvalidRequest(what + " '" + shortened(value) + "' is outside the years 1 to 9999");
        }
        return instant;
    }

    private static String shortened(String value) {
        return OrisunException.echo(value);
    }
}
