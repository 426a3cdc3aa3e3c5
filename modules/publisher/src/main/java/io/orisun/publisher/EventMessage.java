package io.orisun.publisher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.orisun.api.Event;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The JetStream messages of a boundary's stream. The publisher writes batch messages: the body holds consecutive
 * events in the {@link EventBatch} format, the position headers ({@value #TRANSACTION_ID}, {@value #GLOBAL_ID}) name
 * the last of them, and the message id is {@code <boundary>:<tx>:<gid>} of that last event. Earlier versions wrote
 * one message per event, its body the event as JSON shaped like the gRPC {@code Event} in its JSON form
 * ({@code data} and {@code metadata} as strings holding JSON text), or empty for an event too large for NATS, with
 * the same headers and id for that one event. A stream written before an upgrade holds such messages, so readers
 * accept both forms: {@link #entries} tells them apart by the body's first byte.
 */
final class EventMessage {

    static final String TRANSACTION_ID = "Orisun-Transaction-Id";
    static final String GLOBAL_ID = "Orisun-Global-Id";

    /** Events can be as large as PostgreSQL allows; the defaults of the parser are meant for untrusted input. */
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNestingDepth(10_000)
                    .build())
            .build();

    private EventMessage() {
    }

    /**
     * The id under which JetStream deduplicates a republished message: that of the last event it carries. A message
     * with this id is stored only when the stream held everything before its first event (see {@link PublisherLoop}),
     * so a duplicate means the stream holds every event up to {@code position}, however it was split into messages.
     */
    static String messageId(String boundary, Position position) {
        return boundary + ":" + position.transactionId() + ":" + position.globalId();
    }

    static Headers headers(Position position) {
        Headers headers = new Headers();
        headers.put(TRANSACTION_ID, Long.toString(position.transactionId()));
        headers.put(GLOBAL_ID, Long.toString(position.globalId()));
        return headers;
    }

    /** The position named by the headers of {@code message}, or empty when they name none. */
    static Optional<Position> headerPosition(Message message) {
        Headers headers = message.getHeaders();
        if (headers == null) {
            return Optional.empty();
        }
        String transactionId = headers.getFirst(TRANSACTION_ID);
        String globalId = headers.getFirst(GLOBAL_ID);
        if (transactionId == null || globalId == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Position(Long.parseLong(transactionId), Long.parseLong(globalId)));
        } catch (NumberFormatException | OrisunException malformed) {
            return Optional.empty();
        }
    }

    /**
     * The entries of {@code message}, in position order, the last one at the position its headers name; empty when
     * the message is not a well-formed event message (no position headers, a malformed body, or a body whose last
     * position is not the headers'). A body of a form this version does not know (a later format version) yields the
     * headers' position alone, so that readers fetch what it carries from the log.
     */
    static Optional<List<StreamEntry>> entries(Message message) {
        Optional<Position> claimed = headerPosition(message);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        Position last = claimed.get();
        byte[] body = message.getData();
        if (body == null || body.length == 0) {
            // The earlier per-event form of an event too large for NATS.
            return Optional.of(List.of(new StreamEntry(last, Optional.empty())));
        }
        if (body[0] == '{') {
            return decodeSingle(body).filter(event -> event.position().equals(last))
                    .map(event -> List.of(new StreamEntry(last, Optional.of(event))));
        }
        if (body[0] == EventBatch.VERSION) {
            return EventBatch.decode(body).filter(entries -> entries.getLast().position().equals(last));
        }
        return Optional.of(List.of(new StreamEntry(last, Optional.empty())));
    }

    /** The event in a per-event JSON body, the form earlier versions published; empty when malformed. */
    static Optional<Event> decodeSingle(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        String eventId = null;
        String eventType = null;
        String data = null;
        String metadata = null;
        long transactionId = Long.MIN_VALUE;
        long globalId = Long.MIN_VALUE;
        Instant created = null;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "event_id" -> eventId = text(parser, value);
                    case "event_type" -> eventType = text(parser, value);
                    case "data" -> data = text(parser, value);
                    case "metadata" -> metadata = text(parser, value);
                    case "date_created" -> created = value == JsonToken.VALUE_STRING ? Instant.parse(parser.getText()) : null;
                    case "position" -> {
                        if (value != JsonToken.START_OBJECT) {
                            return Optional.empty();
                        }
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String part = parser.currentName();
                            JsonToken number = parser.nextToken();
                            if (number != JsonToken.VALUE_NUMBER_INT) {
                                parser.skipChildren();
                            } else if (part.equals("transaction_id")) {
                                transactionId = parser.getLongValue();
                            } else if (part.equals("global_id")) {
                                globalId = parser.getLongValue();
                            }
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
        if (eventId == null || eventType == null || data == null || metadata == null || created == null
                || transactionId < 0 || globalId < 0) {
            return Optional.empty();
        }
        return Optional.of(new Event(eventId, eventType, data, metadata, new Position(transactionId, globalId), created));
    }

    private static String text(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            parser.skipChildren();
            return null;
        }
        return parser.getText();
    }
}
