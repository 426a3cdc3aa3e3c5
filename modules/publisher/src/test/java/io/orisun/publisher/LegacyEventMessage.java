package io.orisun.publisher;

import com.fasterxml.jackson.core.JsonGenerator;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orisun.api.Event;
import io.orisun.api.Position;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Messages in the forms the publisher writes, for tests: the per-event JSON form of earlier versions, which a
 * stream written before an upgrade still holds, and batch messages built by hand.
 */
final class LegacyEventMessage {

    private LegacyEventMessage() {
    }

    /** The per-event JSON body, as earlier versions wrote it. */
    static byte[] body(Event event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = EventMessage.JSON.createGenerator(out)) {
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
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A per-event message for {@code event} as earlier versions published it, tagged with {@code mac}. */
    static NatsMessage perEvent(String subject, String boundary, Event event, EventMac mac) {
        return signed(subject, boundary, event.position(), body(event), mac);
    }

    /** A batch message of {@code events}, tagged with {@code mac}. */
    static NatsMessage batch(String subject, String boundary, List<Event> events, EventMac mac) {
        EventBatch.Writer writer = new EventBatch.Writer();
        events.forEach(writer::add);
        return signed(subject, boundary, events.getLast().position(), writer.takeAll(), mac);
    }

    static NatsMessage signed(String subject, String boundary, Position last, byte[] body, EventMac mac) {
        Headers headers = EventMessage.headers(last);
        headers.put(EventMac.HEADER, mac.calculator().tag(boundary, last, body));
        return NatsMessage.builder().subject(subject).headers(headers).data(body).build();
    }
}
