package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.impl.NatsMessage;
import io.orisun.api.Event;
import io.orisun.api.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventMessageTest {

    @Test
    void an_event_survives_the_round_trip_through_a_message() {
        Event event = new Event("id-\u00e9-\uD83D\uDE00", "Type \"quoted\"", "{\"a\": \"line\\nbreak\", \"b\": [1, 2.50]}",
                "{\"m\": true}", new Position(7, 5), Instant.parse("2026-01-02T03:04:05.123456Z"));
        NatsMessage message = NatsMessage.builder().subject("s").headers(EventMessage.headers(event.position()))
                .data(EventMessage.body(event)).build();
        assertThat(EventMessage.decode(message)).contains(event);
        assertThat(message.getHeaders().getFirst(EventMessage.GLOBAL_ID)).isEqualTo("5");
        assertThat(message.getHeaders().getFirst(EventMessage.TRANSACTION_ID)).isEqualTo("7");
    }

    @Test
    void the_message_id_separates_boundary_transaction_and_global_id() {
        assertThat(EventMessage.messageId("orders", new Position(12, 3))).isEqualTo("orders:12:3");
        assertThat(EventMessage.messageId("orders", new Position(1, 23)))
                .isNotEqualTo(EventMessage.messageId("orders", new Position(12, 3)));
    }

    @Test
    void a_message_that_is_not_an_event_decodes_to_nothing() {
        assertThat(EventMessage.decode(NatsMessage.builder().subject("s").data(new byte[0]).build())).isEmpty();
        assertThat(EventMessage.decode(NatsMessage.builder().subject("s")
                .data("{\"event_id\": \"x\"}".getBytes(StandardCharsets.UTF_8)).build())).isEmpty();
        assertThat(EventMessage.decode(NatsMessage.builder().subject("s")
                .data("garbage".getBytes(StandardCharsets.UTF_8)).build())).isEmpty();
    }
}
