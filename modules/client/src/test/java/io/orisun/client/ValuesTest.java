package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void positions_order_by_transaction_then_global_id_and_reject_values_below_none() {
        assertThat(new Position(2, 0)).isGreaterThan(new Position(1, 9));
        assertThat(new Position(2, 1)).isGreaterThan(new Position(2, 0));
        assertThat(Position.NONE.isNone()).isTrue();
        assertThatThrownBy(() -> new Position(-2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void events_to_save_need_an_id_a_type_and_json_objects() {
        assertThat(EventToSave.of("Created", "").data()).isEqualTo("{}");
        assertThat(EventToSave.of("Created", "{\"a\": 1}").eventId()).isNotBlank();
        assertThatThrownBy(() -> EventToSave.of("Created", "[1]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> EventToSave.of(" ", "Created", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Criterion(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Query.all().matchesAll()).isTrue();
    }

    @Test
    void backoff_waits_grow_exponentially_up_to_the_cap() {
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100));
        assertThat(backoff.ceilingMillis(1)).isEqualTo(10);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(20);
        assertThat(backoff.ceilingMillis(4)).isEqualTo(80);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(100);
        assertThat(backoff.ceilingMillis(1_000)).isEqualTo(100);
    }

    @Test
    void targets_are_host_and_port_pairs() {
        assertThat(StaticTargets.HostAndPort.parse("db.example.com:5005"))
                .isEqualTo(new StaticTargets.HostAndPort("db.example.com", 5005));
        assertThat(StaticTargets.HostAndPort.parse("[::1]:5005").host()).isEqualTo("::1");
        assertThatThrownBy(() -> StaticTargets.HostAndPort.parse("no-port")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticTargets.HostAndPort.parse("host:99999")).isInstanceOf(IllegalArgumentException.class);
        assertThat(StaticTargets.target(List.of(new StaticTargets.HostAndPort("a", 1), new StaticTargets.HostAndPort("b", 2))))
                .isEqualTo("orisun-static:///a:1,b:2");
    }

    @Test
    void a_client_needs_a_target_and_credentials() {
        assertThatThrownBy(() -> OrisunClient.builder().credentials("admin", "changeit").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("target");
        assertThatThrownBy(() -> OrisunClient.builder().target("localhost", 5005).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("credentials");
    }
}
