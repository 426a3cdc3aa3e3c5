package io.orisun.api;

/**
 * An event as a client submits it. {@code data} and {@code metadata} are JSON object texts; the event log
 * validates them and stores them as JSONB.
 */
public record EventToSave(String eventId, String eventType, String data, String metadata) {

    /** The longest event id accepted. */
    public static final int MAX_ID_LENGTH = 256;
    /** The longest event type accepted. */
    public static final int MAX_TYPE_LENGTH = 256;

    public EventToSave {
        if (eventId == null || eventId.isBlank()) {
            throw new InvalidRequest("event_id is required");
        }
        if (eventId.length() > MAX_ID_LENGTH) {
            throw new InvalidRequest("event_id is longer than " + MAX_ID_LENGTH + " characters");
        }
        if (eventType == null || eventType.isBlank()) {
            throw new InvalidRequest("event_type is required");
        }
        if (eventType.length() > MAX_TYPE_LENGTH) {
            throw new InvalidRequest("event_type is longer than " + MAX_TYPE_LENGTH + " characters");
        }
        if (eventId.indexOf('\0') >= 0 || eventType.indexOf('\0') >= 0) {
            throw new InvalidRequest("event_id and event_type must not contain a NUL character");
        }
        data = blankToEmptyObject(data);
        metadata = blankToEmptyObject(metadata);
    }

    private static String blankToEmptyObject(String json) {
        return json == null || json.isBlank() || json.strip().equals("null") ? "{}" : json;
    }
}
