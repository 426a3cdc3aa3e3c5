package io.orisun.publisher;

import io.orisun.api.Event;
import io.orisun.api.Position;
import java.util.Objects;
import java.util.Optional;

/**
 * What a stream message carries for one position: the event, or its position alone when the event was too large
 * for NATS (or the message's form is unknown to this version), in which case readers fetch it from the log.
 */
record StreamEntry(Position position, Optional<Event> event) {

    StreamEntry {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(event, "event");
    }
}
