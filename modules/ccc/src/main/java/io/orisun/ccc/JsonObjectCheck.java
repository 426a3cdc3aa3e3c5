package io.orisun.ccc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.orisun.api.InvalidRequest;
import java.io.IOException;

/**
 * Checks, before a save is queued, that a payload is one JSON object that PostgreSQL's jsonb can store. It runs
 * the streaming parser over the text without building a tree or converting numbers, so it costs about one pass
 * over the characters.
 *
 * <p>Beyond JSON syntax it rejects content after the object and strings (values or keys) that hold
 * {@code \u0000} or an unpaired UTF-16 surrogate, which jsonb refuses. Numbers that jsonb cannot hold (such as
 * {@code 1e1000000}) are left to the database, whose error fails only the request that carries them.
 */
final class JsonObjectCheck {

    // Payloads are bounded by the transport, not here: jsonb holds strings and numbers far longer than Jackson's
    // defaults allow. The nesting limit stays at Jackson's default, well below what PostgreSQL's parser accepts.
    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNameLength(Integer.MAX_VALUE)
            .maxNumberLength(200_000)
            .build();

    /**
     * Payloads up to this many characters are parsed with buffers from a small shared pool. Jackson's default pool
     * keeps buffers per thread, and every gRPC stream runs on a new virtual thread, so each check would allocate
     * fresh ones. Larger payloads keep the default: a pooled buffer grows to the longest text it parsed and would
     * stay that large.
     */
    static final int POOLED_MAX_CHARS = 32 * 1024;
    private static final int POOL_SIZE = 32;

    private static final JsonFactory POOLED = JsonFactory.builder()
            .streamReadConstraints(CONSTRAINTS)
            .recyclerPool(JsonRecyclerPools.newBoundedPool(POOL_SIZE))
            .build();
    private static final JsonFactory UNPOOLED = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

    private JsonObjectCheck() {
    }

    /**
     * Throws {@link InvalidRequest} naming {@code field} (such as {@code events[2].data}) unless {@code json} is a
     * single JSON object that jsonb can store.
     */
    static void requireObject(String json, String field) {
        JsonFactory factory = json.length() <= POOLED_MAX_CHARS ? POOLED : UNPOOLED;
        try (JsonParser parser = factory.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequest(field + " must be a JSON object");
            }
            int depth = 1;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    throw new InvalidRequest(field + " is not valid JSON: the object is not closed");
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME, VALUE_STRING -> requireStorableText(parser, field);
                    default -> {
                        // Numbers, booleans and null need no check beyond the parser's.
                    }
                }
            }
            if (parser.nextToken() != null) {
                throw new InvalidRequest(field + " must be a single JSON object, but has content after it");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidRequest(field + " is not valid JSON: " + e.getOriginalMessage()
                    + locationOf(e), e);
        } catch (IOException e) {
            // Reading from a String only fails through the parser, but the API declares IOException.
            throw new InvalidRequest(field + " could not be read as JSON", e);
        }
    }

    private static String locationOf(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static void requireStorableText(JsonParser parser, String field) throws IOException {
        char[] text = parser.getTextCharacters();
        int start = parser.getTextOffset();
        int end = start + parser.getTextLength();
        for (int i = start; i < end; i++) {
            char c = text[i];
            if (c == '\u0000') {
                throw new InvalidRequest(field + " contains the character \\u0000, which PostgreSQL cannot store");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                    i++;
                } else {
                    throw unpairedSurrogate(field);
                }
            } else if (Character.isLowSurrogate(c)) {
                throw unpairedSurrogate(field);
            }
        }
    }

    private static InvalidRequest unpairedSurrogate(String field) {
        return new InvalidRequest(field + " contains an unpaired UTF-16 surrogate, which PostgreSQL cannot store");
    }
}
