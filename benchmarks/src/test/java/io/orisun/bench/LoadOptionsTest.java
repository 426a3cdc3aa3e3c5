package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void takes_orisuns_parameters_in_both_option_spellings() {
        LoadOptions options = LoadOptions.parse(new String[] {
                "--target", "localhost:15005", "--scenarios=write-conditional-1,read-conditional",
                "--concurrency", "1,4,16", "--duration", "500ms", "--warmup=2s", "--prepopulate-events", "1e6",
                "--tag-cardinality", "1e5", "--create-index", "--out", "r.csv",
                "--baseline-jdbc", "jdbc:postgresql://localhost:5434/orisun"}).orElseThrow();

        assertThat(options.target()).isEqualTo("localhost:15005");
        assertThat(options.scenarios()).extracting(Scenario::name)
                .containsExactly("write-conditional-1", "read-conditional");
        assertThat(options.concurrency()).containsExactly(1, 4, 16);
        assertThat(options.duration()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.warmup()).isEqualTo(WarmUp.fixed(Duration.ofSeconds(2)));
        assertThat(options.prepopulateEvents()).isEqualTo(1_000_000);
        assertThat(options.tagCardinality()).isEqualTo(100_000);
        assertThat(options.createIndex()).isTrue();
        assertThat(options.out()).contains(Path.of("r.csv"));
        assertThat(options.baselineJdbc()).contains("jdbc:postgresql://localhost:5434/orisun");
    }

    @Test
    void defaults_to_the_whole_matrix_against_the_default_server() {
        LoadOptions options = LoadOptions.parse(new String[0]).orElseThrow();

        assertThat(options.target()).isEqualTo("localhost:5005");
        assertThat(options.scenarios()).isEqualTo(Scenario.ALL);
        assertThat(options.concurrency()).isEqualTo(List.of(1, 4, 16, 64, 256));
        assertThat(options.payloadBytes()).isEqualTo(256);
        assertThat(options.baselineJdbc()).isEmpty();
    }

    @Test
    void warms_up_until_steady_by_default_and_for_a_fixed_time_on_request() {
        assertThat(LoadOptions.parse(new String[0]).orElseThrow().warmup())
                .isEqualTo(WarmUp.steady(Duration.ofSeconds(60)));
        assertThat(LoadOptions.parse(new String[] {"--warmup", "steady", "--warmup-max", "90s"}).orElseThrow().warmup())
                .isEqualTo(WarmUp.steady(Duration.ofSeconds(90)));
        assertThat(LoadOptions.parse(new String[] {"--warmup", "0s"}).orElseThrow().warmup())
                .isEqualTo(new WarmUp(Duration.ZERO, Duration.ZERO, false));
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--warmup", "-1s"}))
                .hasMessageContaining("--warmup");
    }

    @Test
    void names_the_option_whose_value_is_wrong() {
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--concurrency", "4,x"}))
                .hasMessageContaining("--concurrency");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--threads", "4"}))
                .hasMessageContaining("unknown option --threads");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--concurrency", "0"}))
                .hasMessageContaining("--concurrency");
    }

    @Test
    void asks_for_the_usage_on_help() {
        assertThat(LoadOptions.parse(new String[] {"--help"})).isEmpty();
    }
}
