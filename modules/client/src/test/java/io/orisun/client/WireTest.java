package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void a_conflict_status_becomes_a_context_changed_exception_with_both_positions() {
        OrisunClientException failure = Wire.saveFailure(Status.ALREADY_EXISTS.withDescription(
                "OptimisticConcurrencyException:StreamVersionConflict: Expected (-1, -1), Actual (12, 3)")
                .asRuntimeException());
        assertThat(failure).isInstanceOfSatisfying(ContextChangedException.class, conflict -> {
            assertThat(conflict.expected()).isEqualTo(Position.NONE);
            assertThat(conflict.actual()).isEqualTo(new Position(12, 3));
            assertThat(conflict.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
        });
    }

    @Test
    void a_conflict_status_with_the_versions_segment_still_yields_both_positions() {
        OrisunClientException failure = Wire.saveFailure(Status.ALREADY_EXISTS.withDescription(
                "OptimisticConcurrencyException:StreamVersionConflict: Expected (7, 6), Actual (12, 11);"
                        + " versions: Expected 7, Actual 12").asRuntimeException());
        assertThat(failure).isInstanceOfSatisfying(ContextChangedException.class, conflict -> {
            assertThat(conflict.expected()).isEqualTo(new Position(7, 6));
            assertThat(conflict.actual()).isEqualTo(new Position(12, 11));
        });
    }

    @Test
    void other_failures_keep_their_code_and_description() {
        OrisunClientException failure = Wire.saveFailure(Status.INVALID_ARGUMENT.withDescription("boundary x is unknown")
                .asRuntimeException());
        assertThat(failure).isExactlyInstanceOf(OrisunClientException.class);
        assertThat(failure.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure).hasMessageContaining("boundary x is unknown");
        assertThat(Wire.saveFailure(Status.ALREADY_EXISTS.withDescription("subscriber taken").asRuntimeException()))
                .as("an ALREADY_EXISTS without positions is no conflict").isExactlyInstanceOf(OrisunClientException.class);
    }

    @Test
    void a_consumer_retries_lost_subscriptions_but_not_refusals_that_retrying_cannot_fix() {
        assertThat(DurableConsumer.retriable(Status.Code.UNAVAILABLE, java.util.Optional.empty())).isTrue();
        assertThat(DurableConsumer.retriable(Status.Code.ALREADY_EXISTS, java.util.Optional.empty()))
                .as("the subscriber name is still taken on the server").isTrue();
        assertThat(DurableConsumer.retriable(Status.Code.UNAUTHENTICATED, java.util.Optional.of("token")))
                .as("a refused token: log in again").isTrue();
        assertThat(DurableConsumer.retriable(Status.Code.UNAUTHENTICATED, java.util.Optional.empty()))
                .as("refused Basic credentials").isFalse();
        assertThat(DurableConsumer.retriable(Status.Code.NOT_FOUND, java.util.Optional.empty())).isFalse();
        assertThat(DurableConsumer.retriable(Status.Code.PERMISSION_DENIED, java.util.Optional.empty())).isFalse();
    }
}
