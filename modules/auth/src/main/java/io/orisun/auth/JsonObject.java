package io.orisun.auth;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON objects of this module's events: written by {@link Builder}, read back by {@link #parse} from the
 * text the event log returns (PostgreSQL's {@code jsonb} output, so key order and spacing may differ from what was
 * written). Values are strings, numbers ({@link BigDecimal}), booleans, {@code null}, arrays and objects.
 */
record JsonObject(Map<String, Object> fields) {

    /** Marks a JSON {@code null}, which a map value cannot be. */
    enum Null { INSTANCE }

    JsonObject {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The string field {@code key}. @throws IllegalArgumentException when it is missing or not a string */
    String text(String key) {
        if (fields.get(key) instanceof String value) {
            return value;
        }
        throw new IllegalArgumentException("field '" + key + "' is missing or not a string");
    }

    /** The integral number field {@code key}. @throws IllegalArgumentException when missing or not an integer */
    long number(String key) {
        if (fields.get(key) instanceof BigDecimal value) {
            try {
                return value.longValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("field '" + key + "' is not a whole number", e);
            }
        }
        throw new IllegalArgumentException("field '" + key + "' is missing or not a number");
    }

    /** The boolean field {@code key}, or {@code otherwise} when it is missing. */
    boolean flag(String key, boolean otherwise) {
        Object value = fields.get(key);
        if (value == null) {
            return otherwise;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw new IllegalArgumentException("field '" + key + "' is not a boolean");
    }

    /** The array-of-strings field {@code key}. @throws IllegalArgumentException when missing or of other values */
    List<String> texts(String key) {
        if (fields.get(key) instanceof List<?> values) {
            List<String> texts = new ArrayList<>(values.size());
            for (Object value : values) {
                if (!(value instanceof String text)) {
                    throw new IllegalArgumentException("field '" + key + "' holds a value that is not a string");
                }
                texts.add(text);
            }
            return List.copyOf(texts);
        }
        throw new IllegalArgumentException("field '" + key + "' is missing or not an array");
    }

    static Builder builder() {
        return new Builder();
    }

    /** Writes a flat JSON object, in insertion order. */
    static final class Builder {
        private final StringBuilder out = new StringBuilder("{");

        Builder put(String key, String value) {
            key(key);
            quote(value);
            return this;
        }

        Builder put(String key, long value) {
            key(key);
            out.append(value);
            return this;
        }

        Builder put(String key, boolean value) {
            key(key);
            out.append(value);
            return this;
        }

        Builder put(String key, List<String> values) {
            key(key);
            out.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                quote(values.get(i));
            }
            out.append(']');
            return this;
        }

        String build() {
            return out + "}";
        }

        private void key(String key) {
            if (out.length() > 1) {
                out.append(',');
            }
            quote(key);
            out.append(':');
        }

        private void quote(String text) {
            out.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    /**
     * Parses a JSON object.
     *
     * @throws IllegalArgumentException when {@code text} is not exactly one JSON object
     */
    static JsonObject parse(String text) {
        Parser parser = new Parser(text);
        parser.skipBlanks();
        if (!parser.at('{')) {
            throw new IllegalArgumentException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) parser.value(0);
        parser.skipBlanks();
        if (!parser.done()) {
            throw parser.error("trailing text");
        }
        return new JsonObject(fields);
    }

    private static final class Parser {
        /** Deep nesting is refused rather than risking the stack on hostile input. */
        private static final int MAX_DEPTH = 32;

        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        boolean done() {
            return at >= text.length();
        }

        boolean at(char c) {
            return at < text.length() && text.charAt(at) == c;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("malformed JSON at offset " + at + ": " + what);
        }

        void skipBlanks() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        void expect(char c) {
            skipBlanks();
            if (!at(c)) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested too deeply");
            }
            skipBlanks();
            if (done()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", Null.INSTANCE);
                default -> number();
            };
        }

        private Map<String, Object> object(int depth) {
            expect('{');
            Map<String, Object> fields = new LinkedHashMap<>();
            skipBlanks();
            if (at('}')) {
                at++;
                return fields;
            }
            while (true) {
                skipBlanks();
                if (!at('"')) {
                    throw error("expected a key");
                }
                String key = string();
                expect(':');
                if (fields.put(key, value(depth + 1)) != null) {
                    throw error("repeated key");
                }
                skipBlanks();
                if (at(',')) {
                    at++;
                } else {
                    expect('}');
                    return fields;
                }
            }
        }

        private List<Object> array(int depth) {
            expect('[');
            List<Object> values = new ArrayList<>();
            skipBlanks();
            if (at(']')) {
                at++;
                return values;
            }
            while (true) {
                values.add(value(depth + 1));
                skipBlanks();
                if (at(',')) {
                    at++;
                } else {
                    expect(']');
                    return values;
                }
            }
        }

        private String string() {
            at++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (done()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (done()) {
                    throw error("unterminated escape");
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("short unicode escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("bad unicode escape");
                        }
                        at += 4;
                    }
                    default -> throw error("unknown escape");
                }
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error("unknown literal");
            }
            at += word.length();
            return value;
        }

        private BigDecimal number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            if (start == at) {
                throw error("unexpected character");
            }
            try {
                return new BigDecimal(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("bad number");
            }
        }
    }
}
