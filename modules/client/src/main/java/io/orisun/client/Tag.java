package io.orisun.client;

/**
 * One equality condition: the payload's top-level field {@code key}, as text, equals {@code value}. The keys
 * {@code eventType} and {@code event_type} compare the event type instead.
 */
public record Tag(String key, String value) {

    /** Rejects a blank key and a missing value. */
    public Tag {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a tag needs a non-blank key");
        }
        if (value == null) {
            throw new IllegalArgumentException("tag " + key + " needs a value");
        }
    }

    /** The tag {@code key = value}. */
    public static Tag of(String key, String value) {
        return new Tag(key, value);
    }

    /** The tag that matches events of type {@code eventType}. */
    public static Tag eventType(String eventType) {
        return new Tag("eventType", eventType);
    }
}
