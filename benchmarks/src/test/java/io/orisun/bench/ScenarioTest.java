package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScenarioTest {

    @Test
    void parses_every_default_scenario_back_from_its_name() {
        for (Scenario scenario : Scenario.ALL) {
            assertThat(Scenario.parse(scenario.name())).isEqualTo(scenario);
        }
    }

    @Test
    void reads_the_events_per_request_from_a_write_scenario_name() {
        assertThat(Scenario.parseList("write-conditional-100, write-unconditional-1000"))
                .containsExactly(new Scenario(Scenario.Kind.WRITE_CONDITIONAL, 100),
                        new Scenario(Scenario.Kind.WRITE_UNCONDITIONAL, 1000));
    }

    @Test
    void rejects_unknown_names_and_sizes_on_reads() {
        assertThatThrownBy(() -> Scenario.parse("write-sometimes-1")).hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> Scenario.parse("read-conditional-5")).hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> Scenario.parse("write-conditional-0")).hasMessageContaining("unknown scenario");
    }
}
