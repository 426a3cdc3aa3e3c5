package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    @Test
    void three_seconds_within_ten_percent_of_their_mean_are_steady() {
        assertThat(WarmUp.isSteady(List.of(100.0, 400.0, 950.0, 1000.0, 1050.0))).isTrue();
        assertThat(WarmUp.isSteady(List.of(1000.0, 1000.0, 1000.0))).isTrue();
    }

    @Test
    void a_rate_still_climbing_or_swinging_or_at_zero_is_not_steady() {
        assertThat(WarmUp.isSteady(List.of(800.0, 900.0, 1100.0))).as("climbing").isFalse();
        assertThat(WarmUp.isSteady(List.of(1000.0, 1300.0, 1000.0))).as("a spike").isFalse();
        assertThat(WarmUp.isSteady(List.of(0.0, 0.0, 0.0))).as("no progress").isFalse();
        assertThat(WarmUp.isSteady(List.of(1000.0, 1000.0))).as("too few seconds").isFalse();
    }

    @Test
    void a_fixed_warm_up_shorter_than_the_cold_window_is_all_cold() {
        assertThat(WarmUp.fixed(Duration.ofSeconds(1))).isEqualTo(new WarmUp(Duration.ofSeconds(1), Duration.ofSeconds(1), false));
        assertThat(WarmUp.fixed(Duration.ofSeconds(15)).cold()).isEqualTo(WarmUp.COLD);
        assertThat(WarmUp.steady(Duration.ofSeconds(60))).isEqualTo(new WarmUp(WarmUp.COLD, Duration.ofSeconds(60), true));
        assertThatThrownBy(() -> new WarmUp(Duration.ofSeconds(5), Duration.ofSeconds(1), true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
