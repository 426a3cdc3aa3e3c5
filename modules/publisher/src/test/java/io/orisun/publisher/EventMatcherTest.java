package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventMatcherTest {

    private static FeedEvent event(String type, String data) {
        return new FeedEvent(new Event("id", type, data, "{}", new Position(1, 0), Instant.EPOCH));
    }

    @Test
    void an_empty_query_or_a_criterion_without_tags_matches_everything() {
        assertThat(EventMatcher.of(Query.all()).matches(event("T", "{}"))).isTrue();
        assertThat(EventMatcher.of(Query.of(Criterion.of(Tag.of("a", "1")), Criterion.of())).matchesEverything()).isTrue();
    }

    @Test
    void criteria_are_ored_and_tags_anded() {
        EventMatcher matcher = EventMatcher.of(Query.of(
                Criterion.of(Tag.of("a", "1"), Tag.of("b", "x")),
                Criterion.of(Tag.of("c", "true"))));
        assertThat(matcher.matches(event("T", "{\"a\": 1, \"b\": \"x\"}"))).isTrue();
        assertThat(matcher.matches(event("T", "{\"a\": 1, \"b\": \"y\"}"))).isFalse();
        assertThat(matcher.matches(event("T", "{\"c\": true}"))).isTrue();
        assertThat(matcher.matches(event("T", "{\"c\": \"true\"}"))).isTrue();
        assertThat(matcher.matches(event("T", "{}"))).isFalse();
    }

    @Test
    void numbers_compare_as_postgresql_prints_them() {
        assertThat(EventMatcher.of(Query.of(Criterion.of(Tag.of("n", "1.0")))).matches(event("T", "{\"n\": 1.0}"))).isTrue();
        assertThat(EventMatcher.of(Query.of(Criterion.of(Tag.of("n", "1")))).matches(event("T", "{\"n\": 1.0}"))).isFalse();
        assertThat(EventMatcher.of(Query.of(Criterion.of(Tag.of("n", "100")))).matches(event("T", "{\"n\": 1e2}"))).isTrue();
    }

    @Test
    void json_null_matches_no_value_not_even_the_text_null() {
        EventMatcher matcher = EventMatcher.of(Query.of(Criterion.of(Tag.of("n", "null"))));
        assertThat(matcher.matches(event("T", "{\"n\": null}"))).isFalse();
        assertThat(EventMatcher.of(Query.of(Criterion.of(Tag.of("n", "")))).matches(event("T", "{}"))).isFalse();
    }

    @Test
    void reserved_keys_compare_the_event_type_and_ignore_a_payload_field_of_that_name() {
        EventMatcher byType = EventMatcher.of(Query.of(Criterion.of(Tag.of("eventType", "Deposited"))));
        assertThat(byType.matches(event("Deposited", "{\"eventType\": \"Other\"}"))).isTrue();
        assertThat(byType.matches(event("Withdrawn", "{\"eventType\": \"Deposited\"}"))).isFalse();
        assertThat(EventMatcher.of(Query.of(Criterion.of(Tag.of("event_type", "Deposited"))))
                .matches(event("Deposited", "{}"))).isTrue();
    }
}
