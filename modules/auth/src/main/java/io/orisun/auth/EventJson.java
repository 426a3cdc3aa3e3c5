package io.orisun.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON object of a user event's data, written and read with Jackson's tree model. Writing gives compact JSON
 * with the keys in the order they were put, as every version has written it; reading accepts any valid JSON object,
 * such as the text PostgreSQL returns for a {@code jsonb} column (whose key order and spacing differ from what was
 * written), and refuses anything else with {@link IllegalArgumentException}: text that is not exactly one JSON
 * object, a repeated key, or nesting deeper than {@value #MAX_DEPTH}.
 */
final class EventJson {

    /** Deep nesting is refused rather than spending the stack on hostile input; user events are flat. */
    static final int MAX_DEPTH = 32;

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Numbers keep their exact value, so that 1.5 or 1e400 is refused as a whole number, not rounded.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final ObjectNode fields;

    private EventJson(ObjectNode fields) {
        this.fields = fields;
    }

    /** An empty object to put fields into. */
    static EventJson object() {
        return new EventJson(JSON.createObjectNode());
    }

    /**
     * Parses one JSON object.
     *
     * @throws IllegalArgumentException when {@code text} is not exactly one JSON object; the message names the offset,
     *                                  never the text
     */
    static EventJson parse(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new IllegalArgumentException("malformed JSON at offset " + offset, e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return new EventJson(object);
    }

    EventJson put(String key, String value) {
        fields.put(key, value);
        return this;
    }

    EventJson put(String key, long value) {
        fields.put(key, value);
        return this;
    }

    EventJson put(String key, List<String> values) {
        ArrayNode array = fields.putArray(key);
        values.forEach(array::add);
        return this;
    }

    /** The object as compact JSON text. */
    String write() {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("writing a JSON tree to a string failed", e);
        }
    }

    /** The string field {@code key}. @throws IllegalArgumentException when it is missing or not a string */
    String text(String key) {
        JsonNode value = fields.get(key);
        if (value != null && value.isTextual()) {
            return value.textValue();
        }
        throw new IllegalArgumentException("field '" + key + "' is missing or not a string");
    }

    /** The whole-number field {@code key}. @throws IllegalArgumentException when missing or not a whole number */
    long number(String key) {
        JsonNode value = fields.get(key);
        if (value != null && value.isNumber()) {
            try {
                return value.decimalValue().longValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("field '" + key + "' is not a whole number", e);
            }
        }
        throw new IllegalArgumentException("field '" + key + "' is missing or not a number");
    }

    /** The array-of-strings field {@code key}. @throws IllegalArgumentException when missing or of other values */
    List<String> texts(String key) {
        JsonNode value = fields.get(key);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("field '" + key + "' is missing or not an array");
        }
        List<String> texts = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw new IllegalArgumentException("field '" + key + "' holds a value that is not a string");
            }
            texts.add(element.textValue());
        }
        return List.copyOf(texts);
    }
}
