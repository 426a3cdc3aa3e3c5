package io.orisun.client;

import java.util.UUID;

/**
 * An event to append. {@code data} and {@code metadata} are JSON object text. The event id makes a save
 * idempotent: saving the same events (same ids, same content) again answers with the original position, so a
 * save whose answer was lost can be retried safely.
 */
public record EventToSave(String eventId, String eventType, String data, String metadata) {

    /** Rejects blank ids and types, and payloads that are not JSON objects. */
    public EventToSave {
        if (eventId == null || eventId.isBlank()) {
            throw new IllegalArgumentException("an event needs a non-blank event id");
        }
        if (eventType == null || eventType.isBlank()) {
            throw new IllegalArgumentException("event " + eventId + " needs a non-blank event type");
        }
        data = jsonObject(data, "data", eventId);
        metadata = jsonObject(metadata, "metadata", eventId);
    }

    /** An event with a random id, JSON {@code data} and no metadata. */
    public static EventToSave of(String eventType, String data) {
        return new EventToSave(UUID.randomUUID().toString(), eventType, data, "{}");
    }

    /** An event with the given id, JSON {@code data} and no metadata. */
    public static EventToSave of(String eventId, String eventType, String data) {
        return new EventToSave(eventId, eventType, data, "{}");
    }

    /** An event with the given id whose data is {@code value} encoded by {@code codec}. */
    public static <T> EventToSave encode(String eventId, String eventType, T value, JsonCodec<? super T> codec) {
        return new EventToSave(eventId, eventType, codec.encode(value), "{}");
    }

    /** This event with {@code metadata} (JSON object text) instead. */
    public EventToSave withMetadata(String metadata) {
        return new EventToSave(eventId, eventType, data, metadata);
    }

    private static String jsonObject(String json, String field, String eventId) {
        if (json == null || json.isBlank()) {
            return "{}";
        }
        String trimmed = json.strip();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            throw new IllegalArgumentException("the " + field + " of event " + eventId + " must be a JSON object");
        }
        return trimmed;
    }
}
