package io.orisun.client;

import java.time.Instant;

/** A stored event: what was saved, where it landed in the log, and when. */
public record Event(String eventId, String eventType, String data, String metadata, Position position,
                    Instant dateCreated) {

    /** The data decoded by {@code codec}. */
    public <T> T decode(JsonCodec<T> codec) {
        return codec.decode(data);
    }
}
