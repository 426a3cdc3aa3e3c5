package io.orisun.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestLimitsTest {

    private static final RequestLimits SMALL = new RequestLimits(3, 2, 5, 6, 2, 10, 4, Duration.ofSeconds(1),
            Duration.ofSeconds(1));

    private static Query criteria(int count) {
        return new Query(Collections.nCopies(count, Criterion.of(Tag.of("k", "v"))));
    }

    private static SaveRequest save(String data, String metadata, int events) {
        List<EventToSave> list = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            list.add(new EventToSave("id-" + i, "T", data, metadata));
        }
        return new SaveRequest("b", AppendCondition.none(), list);
    }

    @Test
    void a_query_at_every_limit_passes() {
        Query atLimit = new Query(Collections.nCopies(3, Criterion.of(Tag.of("kkkkk", "vvvvvv"), Tag.of("k", ""))));
        assertThatCode(() -> SMALL.check(atLimit)).doesNotThrowAnyException();
    }

    @Test
    void a_query_with_one_criterion_too_many_names_the_count_the_limit_and_the_setting() {
        assertThatThrownBy(() -> SMALL.check(criteria(4))).isInstanceOf(InvalidRequest.class)
                .hasMessage("query has 4 criteria; the limit is 3 (ORISUN_LIMIT_CRITERIA)");
    }

    @Test
    void a_criterion_with_too_many_tags_is_named_by_its_index() {
        Query query = Query.of(Criterion.of(Tag.of("a", "1")), Criterion.of(Tag.of("a", "1"), Tag.of("b", "2"),
                Tag.of("c", "3")));
        assertThatThrownBy(() -> SMALL.check(query))
                .hasMessage("criteria[1] has 3 tags; the limit is 2 (ORISUN_LIMIT_TAGS)");
    }

    @Test
    void keys_and_values_are_measured_in_characters_not_utf16_units() {
        String fiveEmoji = "😀".repeat(5);
        assertThatCode(() -> SMALL.check(Query.of(Criterion.of(Tag.of(fiveEmoji, fiveEmoji))))).doesNotThrowAnyException();
        assertThatThrownBy(() -> SMALL.check(Query.of(Criterion.of(Tag.of("k", "😀".repeat(7))))))
                .hasMessage("criteria[0].tags[0] has a value of 7 characters; the limit is 6 (ORISUN_LIMIT_TAG_VALUE_LENGTH)");
        assertThatThrownBy(() -> SMALL.check(Query.of(Criterion.of(Tag.of("kkkkkk", "v")))))
                .hasMessage("criteria[0].tags[0] has a key of 6 characters; the limit is 5 (ORISUN_LIMIT_TAG_KEY_LENGTH)");
    }

    @Test
    void a_save_with_too_many_events_or_too_large_a_payload_is_refused_naming_the_event() {
        assertThatThrownBy(() -> SMALL.check(save("{}", "{}", 3)))
                .hasMessage("the save has 3 events; the limit is 2 (ORISUN_LIMIT_EVENTS_PER_SAVE)");
        assertThatCode(() -> SMALL.check(save("{\"a\":\"é\"}", "{}", 2))).doesNotThrowAnyException();
        assertThatThrownBy(() -> SMALL.check(save("{\"a\":\"éé\"}", "{}", 2)))
                .hasMessage("events[0] has 12 bytes of data; the limit is 10 (ORISUN_LIMIT_EVENT_DATA_BYTES)");
        assertThatThrownBy(() -> SMALL.check(save("{}", "{\"\":1}", 1)))
                .hasMessage("events[0] has 6 bytes of metadata; the limit is 4 (ORISUN_LIMIT_EVENT_METADATA_BYTES)");
    }

    @Test
    void the_condition_of_a_save_is_checked_like_a_query() {
        SaveRequest save = new SaveRequest("b", AppendCondition.contextAt(criteria(4), Position.NONE),
                List.of(new EventToSave("id", "T", "{}", "{}")));
        assertThatThrownBy(() -> SMALL.check(save)).hasMessageContaining("(ORISUN_LIMIT_CRITERIA)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "é and ü", "€ and 中文", "😀 emoji 👍🏽"})
    void utf8_lengths_match_the_encoder(String text) {
        String longer = text.repeat(50);
        assertThat(RequestLimits.utf8Length(longer, 1)).isEqualTo(longer.getBytes(StandardCharsets.UTF_8).length);
        assertThat(RequestLimits.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void limits_must_be_positive_and_keys_at_most_the_json_key_ceiling() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RequestLimits(0, 1, 1, 1, 1, 1, 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> new RequestLimits(1, 1, JsonKey.MAX_LENGTH + 1, 1, 1, 1,
                1, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> new RequestLimits(1, 1, 1, 1, 1, 1, 1, Duration.ZERO,
                Duration.ofSeconds(1)));
    }
}
