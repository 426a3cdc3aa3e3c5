package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orisun.api.Event;
import io.orisun.api.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventMacTest {

    private static final EventMac KEY = EventMac.of("the-shared-event-key-of-this-test-0123".getBytes(StandardCharsets.UTF_8));
    private static final Event EVENT = new Event("e-1", "Deposited", "{\"amount\": 10}", "{}", new Position(7, 5),
            Instant.parse("2026-01-02T03:04:05Z"));

    private static NatsMessage message(String boundary, EventMac key, Position headerPosition, byte[] body) {
        Headers headers = EventMessage.headers(headerPosition);
        headers.put(EventMac.HEADER, key.calculator().tag(boundary, headerPosition, body));
        return NatsMessage.builder().subject("s").headers(headers).data(body).build();
    }

    @Test
    void a_message_tagged_with_the_key_verifies_for_its_boundary_only() {
        NatsMessage message = message("orders", KEY, EVENT.position(), LegacyEventMessage.body(EVENT));

        assertThat(KEY.calculator().verify("orders", message)).isTrue();
        assertThat(KEY.calculator().verify("orders2", message)).as("moved to another boundary").isFalse();
        assertThat(KEY.calculator().verify("order", message)).isFalse();
    }

    @Test
    void a_message_tagged_with_another_key_or_altered_fails() {
        EventMac other = EventMac.of("another-key-of-the-same-length-012345".getBytes(StandardCharsets.UTF_8));
        byte[] body = LegacyEventMessage.body(EVENT);
        assertThat(KEY.calculator().verify("orders", message("orders", other, EVENT.position(), body))).isFalse();

        NatsMessage genuine = message("orders", KEY, EVENT.position(), body);
        byte[] altered = body.clone();
        altered[altered.length / 2] ^= 1;
        NatsMessage alteredBody = NatsMessage.builder().subject("s").headers(genuine.getHeaders()).data(altered).build();
        assertThat(KEY.calculator().verify("orders", alteredBody)).as("one bit of the body").isFalse();

        Headers moved = EventMessage.headers(new Position(7, 6));
        moved.put(EventMac.HEADER, genuine.getHeaders().getFirst(EventMac.HEADER));
        assertThat(KEY.calculator().verify("orders", NatsMessage.builder().subject("s").headers(moved).data(body).build()))
                .as("another position in the headers").isFalse();
    }

    @Test
    void a_message_without_a_mac_or_with_a_malformed_one_fails() {
        byte[] body = LegacyEventMessage.body(EVENT);
        assertThat(KEY.calculator().verify("orders", NatsMessage.builder().subject("s")
                .headers(EventMessage.headers(EVENT.position())).data(body).build())).isFalse();
        assertThat(KEY.calculator().verify("orders", NatsMessage.builder().subject("s").data(body).build())).isFalse();
        Headers malformed = EventMessage.headers(EVENT.position());
        malformed.put(EventMac.HEADER, "not base64 !");
        assertThat(KEY.calculator().verify("orders", NatsMessage.builder().subject("s").headers(malformed).data(body)
                .build())).isFalse();
    }

    @Test
    void a_marker_without_a_body_is_tagged_too_and_the_body_must_name_the_headers_position() {
        NatsMessage marker = message("orders", KEY, new Position(9, 9), new byte[0]);
        assertThat(KEY.calculator().verify("orders", marker)).isTrue();
        NatsMessage mismatched = message("orders", KEY, new Position(9, 9), LegacyEventMessage.body(EVENT));
        assertThat(KEY.calculator().verify("orders", mismatched)).as("the MAC holds").isTrue();
        assertThat(EventMessage.entries(mismatched)).as("but the positions differ").isEmpty();
        assertThat(EventMessage.entries(message("orders", KEY, EVENT.position(), LegacyEventMessage.body(EVENT))))
                .isPresent();
    }

    @Test
    void a_batch_message_is_tagged_as_a_whole_and_any_change_to_any_of_its_events_fails() {
        Event second = new Event("e-2", "Withdrawn", "{\"amount\": 3}", "{}", new Position(9, 8),
                Instant.parse("2026-01-02T03:04:06Z"));
        NatsMessage genuine = LegacyEventMessage.batch("s", "orders", java.util.List.of(EVENT, second), KEY);
        assertThat(KEY.calculator().verify("orders", genuine)).isTrue();
        byte[] body = genuine.getData();
        // Every byte of the body is covered: the first event's bytes as much as the last's.
        for (int i = 0; i < body.length; i++) {
            byte[] altered = body.clone();
            altered[i] ^= 1;
            NatsMessage tampered = NatsMessage.builder().subject("s").headers(genuine.getHeaders()).data(altered).build();
            assertThat(KEY.calculator().verify("orders", tampered)).as("bit 0 of byte %d altered", i).isFalse();
        }
        // A shortened batch, its headers moved to the event that is now last, fails too.
        EventBatch.Writer writer = new EventBatch.Writer();
        writer.add(EVENT);
        Headers moved = EventMessage.headers(EVENT.position());
        moved.put(EventMac.HEADER, genuine.getHeaders().getFirst(EventMac.HEADER));
        assertThat(KEY.calculator().verify("orders", NatsMessage.builder().subject("s").headers(moved)
                .data(writer.takeAll()).build())).isFalse();
    }

    @Test
    void refuses_a_short_key_and_never_prints_the_key() {
        assertThatIllegalArgumentException().isThrownBy(() -> EventMac.of(new byte[31]));
        assertThat(KEY.toString()).doesNotContain("shared");
    }
}
