package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.impl.NatsMessage;
import io.orisun.api.Event;
import io.orisun.api.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventMessageTest {

    private static final EventMac KEY = EventMac.of("the-event-key-of-the-message-test-0123".getBytes(StandardCharsets.UTF_8));

    private static Event event(long transactionId, long globalId, String data) {
        return new Event("id-" + globalId + "-\u00e9-\uD83D\uDE00", "Type \"quoted\"", data, "{\"m\": true}",
                new Position(transactionId, globalId), Instant.parse("2026-01-02T03:04:05.123456789Z"));
    }

    private static List<StreamEntry> full(List<Event> events) {
        return events.stream().map(e -> new StreamEntry(e.position(), Optional.of(e))).toList();
    }

    @Test
    void an_event_in_the_per_event_form_of_earlier_versions_survives_the_round_trip() {
        Event event = event(7, 5, "{\"a\": \"line\\nbreak\", \"b\": [1, 2.50]}");
        NatsMessage message = LegacyEventMessage.perEvent("s", "orders", event, KEY);
        assertThat(EventMessage.entries(message)).contains(full(List.of(event)));
        assertThat(message.getHeaders().getFirst(EventMessage.GLOBAL_ID)).isEqualTo("5");
        assertThat(message.getHeaders().getFirst(EventMessage.TRANSACTION_ID)).isEqualTo("7");
    }

    @Test
    void the_events_of_a_batch_message_survive_the_round_trip_in_order_with_their_bytes_unchanged() {
        List<Event> events = List.of(event(7, 5, "{\"a\": \"line\\nbreak\", \"b\": [1, 2.50]}"),
                event(7, 6, "{\"\u00fc\": \"\\u0000 \uD83D\uDE00\"}"), event(9, 8, "{}"));
        NatsMessage message = LegacyEventMessage.batch("s", "orders", events, KEY);
        assertThat(message.getData()[0]).as("the version byte").isEqualTo(EventBatch.VERSION);
        assertThat(EventMessage.entries(message)).contains(full(events));
        assertThat(message.getHeaders().getFirst(EventMessage.GLOBAL_ID)).as("the headers name the last event")
                .isEqualTo("8");
    }

    @Test
    void a_writer_splits_before_an_entry_and_carries_it_into_the_next_body() {
        EventBatch.Writer writer = new EventBatch.Writer();
        Event first = event(7, 5, "{}");
        Event second = event(7, 6, "{\"x\": \"" + "y".repeat(100_000) + "\"}");
        writer.add(first);
        int mark = writer.size();
        writer.add(second);
        writer.addPositionOnly(new Position(9, 8));
        assertThat(EventBatch.decode(writer.takeBefore(mark))).contains(full(List.of(first)));
        assertThat(EventBatch.decode(writer.takeAll())).contains(List.of(
                new StreamEntry(second.position(), Optional.of(second)),
                new StreamEntry(new Position(9, 8), Optional.empty())));
        assertThat(writer.isEmpty()).isTrue();
    }

    @Test
    void the_message_id_separates_boundary_transaction_and_global_id() {
        assertThat(EventMessage.messageId("orders", new Position(12, 3))).isEqualTo("orders:12:3");
        assertThat(EventMessage.messageId("orders", new Position(1, 23)))
                .isNotEqualTo(EventMessage.messageId("orders", new Position(12, 3)));
    }

    @Test
    void a_message_that_is_not_an_event_message_decodes_to_nothing() {
        Position at = new Position(7, 5);
        assertThat(EventMessage.entries(NatsMessage.builder().subject("s").data(new byte[0]).build()))
                .as("no position headers").isEmpty();
        assertThat(EventMessage.entries(LegacyEventMessage.signed("s", "o", at,
                "{\"event_id\": \"x\"}".getBytes(StandardCharsets.UTF_8), KEY))).isEmpty();
        assertThat(EventMessage.entries(LegacyEventMessage.signed("s", "o", at,
                "{garbage".getBytes(StandardCharsets.UTF_8), KEY))).isEmpty();

        EventBatch.Writer writer = new EventBatch.Writer();
        writer.add(event(7, 5, "{}"));
        byte[] batch = writer.takeAll();
        assertThat(EventMessage.entries(LegacyEventMessage.signed("s", "o", new Position(7, 6), batch, KEY)))
                .as("the headers name another last position").isEmpty();
        byte[] truncated = java.util.Arrays.copyOf(batch, batch.length - 1);
        assertThat(EventMessage.entries(LegacyEventMessage.signed("s", "o", at, truncated, KEY))).as("truncated")
                .isEmpty();
        assertThat(EventBatch.decode(new byte[] {EventBatch.VERSION})).as("no entry").isEmpty();

        writer.add(event(7, 6, "{}"));
        writer.add(event(7, 5, "{}"));
        assertThat(EventBatch.decode(writer.takeAll())).as("positions that do not ascend").isEmpty();
    }

    @Test
    void an_empty_body_or_a_later_format_version_yields_the_headers_position_alone() {
        Position at = new Position(7, 5);
        List<StreamEntry> alone = List.of(new StreamEntry(at, Optional.empty()));
        assertThat(EventMessage.entries(LegacyEventMessage.signed("s", "o", at, new byte[0], KEY))).contains(alone);
        assertThat(EventMessage.entries(LegacyEventMessage.signed("s", "o", at, new byte[] {2, 0, 0}, KEY)))
                .contains(alone);
    }
}
