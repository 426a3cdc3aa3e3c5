package io.orisun.publisher;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What PostgreSQL's {@code data->>'key'} returns for each top-level key of a JSON object, computed in Java, so that
 * live events are filtered exactly as the SQL of a catch-up read filters stored ones.
 *
 * <p>The rules of {@code jsonb}: a string yields its unescaped text; a number yields its {@code numeric} text (the
 * exponent applied, trailing zeros of the fraction kept, no negative zero: {@code 1e2} is {@code 100} and
 * {@code 1.0} stays {@code 1.0}); booleans yield {@code true} or {@code false}; JSON {@code null} yields SQL
 * {@code NULL}, which equals nothing, so such a key is absent from the result; an object or array yields its
 * {@code jsonb} text (keys ordered by byte length then bytes, the last of duplicate keys kept, {@code ", "} and
 * {@code ": "} as separators). Duplicate top-level keys keep the last value. Anything but an object has no keys.
 */
final class JsonbText {

    private JsonbText() {
    }

    /** The {@code ->>} text of every top-level key of {@code json} whose value is not null. */
    static Map<String, String> topLevelFields(String json) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = EventMessage.JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Map.of();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (token) {
                    case VALUE_NULL -> fields.remove(key);
                    case VALUE_STRING -> fields.put(key, parser.getText());
                    default -> fields.put(key, canonical(parser, token));
                }
            }
        } catch (IOException e) {
            // Stored payloads are valid JSON objects; anything else cannot match a tag, as in SQL.
            return Map.of();
        }
        return fields;
    }

    /** The {@code jsonb} output text of the value starting at {@code token}, consuming it. */
    static String canonical(JsonParser parser, JsonToken token) throws IOException {
        StringBuilder out = new StringBuilder();
        appendCanonical(parser, token, out);
        return out.toString();
    }

    private static void appendCanonical(JsonParser parser, JsonToken token, StringBuilder out) throws IOException {
        switch (token) {
            case VALUE_STRING -> appendQuoted(parser.getText(), out);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.append(numericText(parser.getText()));
            case VALUE_TRUE -> out.append("true");
            case VALUE_FALSE -> out.append("false");
            case VALUE_NULL -> out.append("null");
            case START_ARRAY -> {
                out.append('[');
                JsonToken element = parser.nextToken();
                boolean first = true;
                while (element != JsonToken.END_ARRAY) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    appendCanonical(parser, element, out);
                    element = parser.nextToken();
                }
                out.append(']');
            }
            case START_OBJECT -> {
                // jsonb orders keys by their length in bytes, then by their bytes, and keeps the last duplicate.
                TreeMap<byte[], String> members = new TreeMap<>(JsonbText::compareKeys);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    byte[] key = parser.currentName().getBytes(StandardCharsets.UTF_8);
                    members.put(key, canonical(parser, parser.nextToken()));
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<byte[], String> member : members.entrySet()) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    appendQuoted(new String(member.getKey(), StandardCharsets.UTF_8), out);
                    out.append(": ").append(member.getValue());
                }
                out.append('}');
            }
            default -> throw new IOException("unexpected JSON token " + token);
        }
    }

    private static int compareKeys(byte[] a, byte[] b) {
        int byLength = Integer.compare(a.length, b.length);
        return byLength != 0 ? byLength : Arrays.compareUnsigned(a, b);
    }

    /** The text of {@code number} (valid JSON number syntax) as PostgreSQL prints it after casting to numeric. */
    static String numericText(String number) {
        // Like numeric: the exponent is applied (a negative scale prints as trailing integer zeros), the digits of
        // the fraction are kept, and zero has no sign.
        return new BigDecimal(number).toPlainString();
    }

    /** A JSON string literal escaped the way PostgreSQL's {@code escape_json} does. */
    private static void appendQuoted(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < ' ') {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
