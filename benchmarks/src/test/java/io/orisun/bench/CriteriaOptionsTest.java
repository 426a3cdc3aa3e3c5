package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriteriaOptionsTest {

    @Test
    void takes_every_option_in_both_spellings() {
        CriteriaOptions options = CriteriaOptions.parse(new String[] {
                "--target", "localhost:27005", "--user=ops", "--password", "secret", "--boundary", "b1",
                "--events=2e4", "--counts", "1, 10,100", "--repeat", "2", "--warmup=1", "--deadline", "90s",
                "--out", "criteria.csv"}).orElseThrow();

        assertThat(options.target()).isEqualTo("localhost:27005");
        assertThat(options.user()).isEqualTo("ops");
        assertThat(options.password()).isEqualTo("secret");
        assertThat(options.boundary()).isEqualTo("b1");
        assertThat(options.events()).isEqualTo(20_000);
        assertThat(options.counts()).containsExactly(1, 10, 100);
        assertThat(options.repeat()).isEqualTo(2);
        assertThat(options.warmup()).isEqualTo(1);
        assertThat(options.deadline()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.out()).contains(Path.of("criteria.csv"));
    }

    @Test
    void defaults_to_the_counts_of_the_issue_against_the_default_server() {
        CriteriaOptions options = CriteriaOptions.parse(new String[0]).orElseThrow();

        assertThat(options.target()).isEqualTo("localhost:5005");
        assertThat(options.user()).isEqualTo("admin");
        assertThat(options.boundary()).isEqualTo("orisun_test_1");
        assertThat(options.events()).isEqualTo(100_000);
        assertThat(options.counts()).isEqualTo(List.of(1, 10, 100, 1000, 1024));
        assertThat(options.repeat()).isEqualTo(5);
        assertThat(options.warmup()).isEqualTo(2);
        assertThat(options.out()).isEmpty();
    }

    @Test
    void names_the_option_whose_value_is_wrong() {
        assertThatThrownBy(() -> CriteriaOptions.parse(new String[] {"--counts", "1,x"}))
                .hasMessageContaining("--counts");
        assertThatThrownBy(() -> CriteriaOptions.parse(new String[] {"--counts", "0"}))
                .hasMessageContaining("--counts");
        assertThatThrownBy(() -> CriteriaOptions.parse(new String[] {"--repeat", "0"}))
                .hasMessageContaining("--repeat");
        assertThatThrownBy(() -> CriteriaOptions.parse(new String[] {"--warmup", "-1"}))
                .hasMessageContaining("--warmup");
        assertThatThrownBy(() -> CriteriaOptions.parse(new String[] {"--events", "-5"}))
                .hasMessageContaining("--events");
        assertThatThrownBy(() -> CriteriaOptions.parse(new String[] {"--criteria", "4"}))
                .hasMessageContaining("unknown option --criteria");
        assertThatThrownBy(() -> CriteriaOptions.parse(new String[] {"stray"}))
                .hasMessageContaining("unexpected argument 'stray'");
    }

    @Test
    void asks_for_the_usage_on_help() {
        assertThat(CriteriaOptions.parse(new String[] {"--events", "10", "--help"})).isEmpty();
    }
}
