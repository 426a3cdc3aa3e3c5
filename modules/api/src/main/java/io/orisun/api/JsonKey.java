package io.orisun.api;

/**
 * A top-level JSON payload key as it may appear in SQL. Keys reach SQL only as string literals, because an
 * expression index on {@code data->>'key'} serves a query only when the key is a constant; this record is the
 * one place that validates and quotes them.
 */
public record JsonKey(String name) {

    /**
     * The longest key accepted anywhere, the ceiling of {@link RequestLimits#tagKeyLength()}; the server refuses keys
     * above that configured limit first.
     */
    public static final int MAX_LENGTH = 1024;

    public JsonKey {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequest("a JSON key must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidRequest("JSON key is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // Backslashes are refused so the literal means the same whatever standard_conforming_strings says.
            if (Character.isISOControl(c) || c == '\\') {
                throw new InvalidRequest("JSON key contains a control character or a backslash");
            }
        }
    }

    /** The key as a single-quoted SQL string literal, with embedded quotes doubled. */
    public String sqlLiteral() {
        return "'" + name.replace("'", "''") + "'";
    }
}
