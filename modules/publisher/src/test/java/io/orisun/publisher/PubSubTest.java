package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.impl.NatsMessage;
import io.orisun.api.InvalidRequest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PubSubTest {

    @Test
    void accepts_dot_separated_tokens_and_wildcards_only_when_subscribing() {
        assertThatCode(() -> PubSub.requireSubject("orders.created-1_x", false)).doesNotThrowAnyException();
        assertThatCode(() -> PubSub.requireSubject("orders.*.x", true)).doesNotThrowAnyException();
        assertThatCode(() -> PubSub.requireSubject("orders.>", true)).doesNotThrowAnyException();
        assertThatThrownBy(() -> PubSub.requireSubject("orders.*", false)).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> PubSub.requireSubject("orders.>", false)).isInstanceOf(InvalidRequest.class);
    }

    @Test
    void refuses_subjects_that_could_escape_the_prefix_or_are_malformed() {
        for (String bad : new String[] {"", ".a", "a.", "a..b", "a b", ">.a", "a.>x", "ORISUN EVENTS", "a\nb", "ä"}) {
            assertThatThrownBy(() -> PubSub.requireSubject(bad, true)).as(bad).isInstanceOf(InvalidRequest.class);
        }
    }

    @Test
    void a_message_survives_the_round_trip() {
        Instant at = Instant.parse("2026-03-04T05:06:07Z");
        byte[] body = PubSub.encode("hello \u00e9", "{\"k\": 1}", at);
        NatsMessage message = NatsMessage.builder().subject(PubSub.PREFIX + "a.b").data(body).build();
        assertThat(PubSub.decode(message)).contains(new PubSubMessage("a.b", "hello \u00e9", "{\"k\": 1}", at));
    }
}
