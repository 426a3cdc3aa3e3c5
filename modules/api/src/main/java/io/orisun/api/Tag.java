package io.orisun.api;

import java.util.Set;

/**
 * One equality condition on an event: the top-level JSON field {@code key} of the payload, read as text, equals
 * {@code value}. The reserved keys {@code eventType} and {@code event_type} compare the event type instead.
 */
public record Tag(String key, String value) {

    /** The keys that address the event type rather than a payload field. */
    public static final Set<String> EVENT_TYPE_KEYS = Set.of("eventType", "event_type");

    public Tag {
        if (key == null || key.isEmpty()) {
            throw new InvalidRequest("a tag needs a non-empty key");
        }
        new JsonKey(key);
        if (value != null && value.indexOf('\0') >= 0) {
            throw new InvalidRequest("a tag value must not contain a NUL character");
        }
        if (value == null) {
            value = "";
        }
    }

    public static Tag of(String key, String value) {
        return new Tag(key, value);
    }

    /** Whether this tag matches the event type column rather than a payload field. */
    public boolean isEventType() {
        return EVENT_TYPE_KEYS.contains(key);
    }
}
