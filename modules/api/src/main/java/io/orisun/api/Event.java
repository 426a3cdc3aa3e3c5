package io.orisun.api;

import java.time.Instant;

/** A stored event: what was saved, where it sits in the log, and when it was committed. */
public record Event(String eventId, String eventType, String data, String metadata, Position position,
                    Instant dateCreated) {
}
