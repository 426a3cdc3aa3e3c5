package io.orisun.ccc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.Criterion;
import io.orisun.api.InvalidRequest;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriteriaSqlTest {

    @Test
    void ors_criteria_ands_tags_and_binds_every_value_in_order() {
        Query query = Query.of(
                Criterion.of(Tag.of("customer", "c1"), Tag.of("region", "north")),
                Criterion.of(Tag.of("eventType", "Refunded")));

        CriteriaSql.Predicate jdbc = CriteriaSql.of(query, CriteriaSql.Binding.JDBC);
        CriteriaSql.Predicate row = CriteriaSql.of(query, CriteriaSql.Binding.ROW);

        assertThat(jdbc.sql()).isEqualTo("((data->>'customer' = ? AND data->>'region' = ?) OR (event_type = ?))");
        assertThat(jdbc.values()).containsExactly("c1", "north", "Refunded");
        assertThat(row.sql()).isEqualTo("((data->>'customer' = (c.v ->> 0) AND data->>'region' = (c.v ->> 1))"
                + " OR (event_type = (c.v ->> 2)))");
        assertThat(row.values()).isEqualTo(jdbc.values());
    }

    @Test
    void both_reserved_keys_address_the_event_type_column() {
        for (String key : List.of("eventType", "event_type")) {
            CriteriaSql.Predicate predicate = CriteriaSql.of(Criterion.of(Tag.of(key, "X")), CriteriaSql.Binding.JDBC);
            assertThat(predicate.sql()).isEqualTo("(event_type = ?)");
        }
        assertThat(CriteriaSql.of(Criterion.of(Tag.of("EventType", "X")), CriteriaSql.Binding.JDBC).sql())
                .as("other spellings are payload keys").isEqualTo("(data->>'EventType' = ?)");
    }

    @Test
    void a_query_without_criteria_or_with_an_empty_criterion_matches_everything() {
        assertThat(CriteriaSql.of(Query.all(), CriteriaSql.Binding.JDBC).matchesEverything()).isTrue();
        assertThat(CriteriaSql.of(Query.of(Criterion.of(Tag.of("a", "b")), Criterion.of()), CriteriaSql.Binding.ROW))
                .isSameAs(CriteriaSql.Predicate.EVERYTHING);
        assertThat(CriteriaSql.Predicate.EVERYTHING.sql()).isEqualTo("TRUE");
        assertThat(CriteriaSql.of(Criterion.of(), CriteriaSql.Binding.JDBC).matchesEverything()).isTrue();
    }

    @Test
    void values_never_appear_in_the_sql_whatever_they_contain() {
        String hostile = "x' OR '1'='1'; DROP TABLE t; --";
        CriteriaSql.Predicate predicate = CriteriaSql.of(Query.of(Criterion.of(Tag.of("k", hostile),
                Tag.of("eventType", hostile))), CriteriaSql.Binding.ROW);

        assertThat(predicate.sql()).doesNotContain("DROP").doesNotContain("OR '1'");
        assertThat(predicate.values()).containsExactly(hostile, hostile);
    }

    @Test
    void hostile_keys_stay_inside_one_quoted_literal() {
        String key = "a' = 'a' OR TRUE OR 'b";
        CriteriaSql.Predicate predicate = CriteriaSql.of(Criterion.of(Tag.of(key, "v")), CriteriaSql.Binding.JDBC);

        assertThat(predicate.sql()).isEqualTo("(data->>'a'' = ''a'' OR TRUE OR ''b' = ?)");
        String literal = predicate.sql().substring("(data->>".length(), predicate.sql().length() - " = ?)".length());
        assertThat(literal).startsWith("'").endsWith("'");
        assertThat(literal.substring(1, literal.length() - 1).replace("''", "")).doesNotContain("'");
    }

    @Test
    void keys_that_could_change_meaning_with_backslashes_or_control_characters_are_refused() {
        assertThatThrownBy(() -> Tag.of("a\\' OR TRUE --", "v")).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> Tag.of("a\nb", "v")).isInstanceOf(InvalidRequest.class);
    }
}
