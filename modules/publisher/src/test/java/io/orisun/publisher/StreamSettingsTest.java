package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamSettingsTest {

    @Test
    void the_duplicate_window_is_two_minutes_unless_the_max_age_is_shorter() {
        assertThat(new StreamSettings(Duration.ofMinutes(5), -1, -1, 1).duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(new StreamSettings(Duration.ZERO, -1, -1, 1).duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(new StreamSettings(Duration.ofSeconds(2), -1, -1, 1).duplicateWindow()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refuses_limits_out_of_range() {
        assertThatThrownBy(() -> new StreamSettings(Duration.ofSeconds(-1), -1, -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamSettings(Duration.ZERO, 0, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamSettings(Duration.ZERO, -1, -1, 6)).isInstanceOf(IllegalArgumentException.class);
    }
}
