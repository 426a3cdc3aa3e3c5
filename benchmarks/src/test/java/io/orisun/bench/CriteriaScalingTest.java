package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.Tag;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CriteriaScalingTest {

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

    @Test
    void the_csv_has_one_row_per_cell_with_its_refusals_counted_and_quoted() {
        CriteriaScaling.Cell cell = new CriteriaScaling.Cell(1000, CriteriaScaling.PLAIN_KEY, List.of(
                new CriteriaScaling.Outcome(2_000_000_000L, Optional.of("RESOURCE_EXHAUSTED: budget \"2s\"")),
                new CriteriaScaling.Outcome(2_000_000_000L, Optional.of("RESOURCE_EXHAUSTED: budget \"2s\"")),
                new CriteriaScaling.Outcome(500_000_000L, Optional.empty())),
                new CriteriaScaling.BackgroundFigures(40, 1, Optional.of(12.5)));

        assertThat(CriteriaScaling.csv(List.of(cell)).lines().toList()).containsExactly(
                "criteria,key,index,ok,refused,p50_ms,max_ms,refused_outcomes,background_saves,background_errors,"
                        + "background_p99_ms",
                "1000,plain_key,none,1,2,2000.000,2000.000,\"2x RESOURCE_EXHAUSTED: budget \"\"2s\"\"\",40,1,12.500");
        assertThat(CriteriaScaling.table(List.of(cell))).contains("| 1000 | none (plain_key) | 1/2 | 2000.0 |");
    }
}
