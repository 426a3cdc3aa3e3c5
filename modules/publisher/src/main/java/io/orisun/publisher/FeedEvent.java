package io.orisun.publisher;

import io.orisun.api.Event;
import io.orisun.api.Position;
import java.util.Map;

/**
 * An event received from the live feed, shared by every subscriber of the boundary on this node. The payload's
 * top-level fields are parsed once, by the first subscriber whose filter needs them.
 */
final class FeedEvent {

    private final Event event;
    private volatile Map<String, String> fields;

    FeedEvent(Event event) {
        this.event = event;
    }

    Event event() {
        return event;
    }

    Position position() {
        return event.position();
    }

    long globalId() {
        return event.position().globalId();
    }

    /** The {@code data->>'key'} text of every top-level key; computed on first use, racing callers agree. */
    Map<String, String> fields() {
        Map<String, String> parsed = fields;
        if (parsed == null) {
            parsed = Map.copyOf(JsonbText.topLevelFields(event.data()));
            fields = parsed;
        }
        return parsed;
    }
}
