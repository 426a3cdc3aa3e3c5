package io.orisun.publisher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.orisun.api.Event;
import io.orisun.api.Position;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The JetStream message of one event. The body is the event as JSON, shaped like the gRPC {@code Event} in its JSON
 * form ({@code data} and {@code metadata} as strings holding JSON text); the position is also in headers, so that a
 * consumer can order or skip messages without parsing bodies. The message id is {@code <boundary>:<tx>:<gid>}.
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

    /** The id under which JetStream deduplicates republished events. */
    static String messageId(String boundary, Position position) {
        return boundary + ":" + position.transactionId() + ":" + position.globalId();
    }

    static Headers headers(Position position) {
        Headers headers = new Headers();
        headers.put(TRANSACTION_ID, Long.toString(position.transactionId()));
        headers.put(GLOBAL_ID, Long.toString(position.globalId()));
        return headers;
    }

    static byte[] body(Event event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + event.data().length() + event.metadata().length());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("event_id", event.eventId());
            json.writeStringField("event_type", event.eventType());
            json.writeStringField("data", event.data());
            json.writeStringField("metadata", event.metadata());
            json.writeObjectFieldStart("position");
            json.writeNumberField("transaction_id", event.position().transactionId());
            json.writeNumberField("global_id", event.position().globalId());
            json.writeEndObject();
            json.writeStringField("date_created", event.dateCreated().toString());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** Whether the position headers of {@code message} name {@code position}. */
    static boolean matchesHeaders(Position position, Message message) {
        Headers headers = message.getHeaders();
        return headers != null
                && Long.toString(position.transactionId()).equals(headers.getFirst(TRANSACTION_ID))
                && Long.toString(position.globalId()).equals(headers.getFirst(GLOBAL_ID));
    }

    /** The event in {@code message}, or empty when the message is not a well-formed event message. */
    static Optional<Event> decode(Message message) {
        byte[] body = message.getData();
        if (body == null || body.length == 0) {
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
