package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.Tag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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

    @Test
    void a_measured_save_has_the_asked_number_of_criteria_with_values_never_used_before() {
        AtomicLong values = new AtomicLong();

        SaveEventsRequest first = CriteriaScaling.request("b1", "run1", CriteriaScaling.PLAIN_KEY, 3, values);
        SaveEventsRequest second = CriteriaScaling.request("b1", "run1", CriteriaScaling.PLAIN_KEY, 2, values);

        assertThat(first.getQuery().getSubsetQuery().getCriteriaList())
                .allSatisfy(c -> assertThat(c.getTagsList()).extracting(Tag::getKey)
                        .containsExactly(CriteriaScaling.PLAIN_KEY))
                .flatExtracting(c -> c.getTagsList().stream().map(Tag::getValue).toList())
                .containsExactly("absent-run1-0", "absent-run1-1", "absent-run1-2");
        assertThat(second.getQuery().getSubsetQuery().getCriteriaList())
                .flatExtracting(c -> c.getTagsList().stream().map(Tag::getValue).toList())
                .containsExactly("absent-run1-3", "absent-run1-4");
        assertThat(first.getQuery().getExpectedPosition().getTransactionId()).isEqualTo(-1);
        assertThat(first.getQuery().getExpectedPosition().getGlobalId()).isEqualTo(-1);
        assertThat(first.getEventsCount()).isEqualTo(1);
        assertThat(first.getEvents(0).getEventId()).isNotEqualTo(second.getEvents(0).getEventId());
    }

    @Test
    void a_refusal_is_its_code_and_at_most_120_characters_of_its_description() {
        String refusal = CriteriaScaling.describe(Status.RESOURCE_EXHAUSTED.withDescription("y".repeat(300)));

        assertThat(refusal).isEqualTo("RESOURCE_EXHAUSTED: " + "y".repeat(120));
        assertThat(CriteriaScaling.describe(Status.DEADLINE_EXCEEDED)).isEqualTo("DEADLINE_EXCEEDED");
    }

    @Test
    void percentiles_are_nearest_rank_over_every_measured_save() {
        long[] nanos = {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000};

        assertThat(CriteriaScaling.percentileMillis(nanos, 0.50)).isEqualTo(3.0);
        assertThat(CriteriaScaling.percentileMillis(nanos, 1.0)).isEqualTo(5.0);
        assertThat(CriteriaScaling.percentileMillis(new long[0], 0.99)).isEqualTo(0.0);
    }
}
