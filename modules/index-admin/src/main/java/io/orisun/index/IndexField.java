package io.orisun.index;

import io.orisun.api.InvalidRequest;
import io.orisun.api.JsonKey;
import io.orisun.api.OrisunException;
import io.orisun.api.Tag;
import java.util.Objects;

/**
 * One column of an index: the top-level payload key {@code jsonKey}, read as {@code valueType}. The reserved keys
 * {@code eventType} and {@code event_type} stand for the event type column, as they do in criteria; that column
 * is text, so only {@link ValueType#TEXT} applies to it.
 *
 * @throws InvalidRequest for an empty key, a key {@link JsonKey} refuses, or a typed event type
 */
public record IndexField(String jsonKey, ValueType valueType) {

    public IndexField {
        new JsonKey(jsonKey);
        Objects.requireNonNull(valueType, "valueType");
        if (Tag.EVENT_TYPE_KEYS.contains(jsonKey) && valueType != ValueType.TEXT) {
            throw new InvalidRequest("the key " + OrisunException.echo(jsonKey) + " means the event type, which is TEXT, not " + valueType);
        }
    }

    /** A {@link ValueType#TEXT} field: the one type that serves the event log's criteria. */
    public static IndexField text(String jsonKey) {
        return new IndexField(jsonKey, ValueType.TEXT);
    }

    /** Whether this field is the event type column rather than a payload field. */
    public boolean isEventType() {
        return Tag.EVENT_TYPE_KEYS.contains(jsonKey);
    }
}
