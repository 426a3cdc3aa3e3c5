package io.orisun.ccc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GroupCommitSettingsTest {

    @Test
    void defaults_are_512_requests_1024_events_and_4096_pending() {
        assertThat(GroupCommitSettings.DEFAULTS).isEqualTo(new GroupCommitSettings(512, 1024, 4096));
    }

    @Test
    void every_limit_must_be_at_least_one() {
        assertThat(new GroupCommitSettings(1, 1, 1).maxPending()).isEqualTo(1);
        assertThatThrownBy(() -> new GroupCommitSettings(0, 1, 1)).hasMessageContaining("maxBatchRequests");
        assertThatThrownBy(() -> new GroupCommitSettings(1, 0, 1)).hasMessageContaining("maxBatchEvents");
        assertThatThrownBy(() -> new GroupCommitSettings(1, 1, -5)).hasMessageContaining("maxPending");
    }

    @Test
    void the_write_budget_defaults_to_two_seconds_and_must_be_at_least_one_second() {
        assertThat(GroupCommitSettings.DEFAULTS.writeBudget()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(GroupCommitSettings.DEFAULTS.withWriteBudget(java.time.Duration.ofSeconds(5)).writeBudget())
                .isEqualTo(java.time.Duration.ofSeconds(5));
        assertThatThrownBy(() -> GroupCommitSettings.DEFAULTS.withWriteBudget(java.time.Duration.ofMillis(999)))
                .hasMessageContaining("writeBudget");
    }
}
