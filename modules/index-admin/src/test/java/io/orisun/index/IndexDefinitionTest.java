package io.orisun.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import io.orisun.api.JsonKey;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of index definitions and the DDL rendered from them, without a database. */
class IndexDefinitionTest {

    private static final BoundaryObjects ORDERS = BoundaryObjects.of(new BoundarySpec("orders", "shop", ""));

    private static IndexDefinition partial(List<IndexField> fields, Combinator combinator, IndexCondition... conditions) {
        return new IndexDefinition("orders", "partial", fields, List.of(conditions), combinator);
    }

    @Test
    void a_text_field_is_exactly_the_expression_the_event_log_compares_and_ends_with_the_position() {
        String ddl = IndexDdl.create(IndexDefinition.of("orders", "customer", IndexField.text("customer")), ORDERS);

        assertThat(ddl).isEqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"orders_customer_idx\""
                + " ON \"shop\".\"orders_orisun_es_event\" ((data ->> 'customer'), transaction_id, global_id)");
    }

    @Test
    void a_composite_index_keeps_the_field_order_and_casts_typed_fields() {
        IndexDefinition definition = IndexDefinition.of("orders", "cat_amount", IndexField.text("category"),
                new IndexField("amount", ValueType.NUMERIC), new IndexField("paid", ValueType.BOOLEAN),
                new IndexField("at", ValueType.TIMESTAMPTZ));

        assertThat(IndexDdl.create(definition, ORDERS)).as("typed fields serve no criterion, so no position columns")
                .endsWith(" ((data ->> 'category'), ((data ->> 'amount')::numeric), ((data ->> 'paid')::boolean),"
                        + " (\"shop\".\"orders_orisun_index_timestamptz\"(data ->> 'at')))");
    }

    @Test
    void the_reserved_event_type_keys_address_the_event_type_column() {
        IndexDefinition definition = partial(List.of(IndexField.text("event_type"), IndexField.text("customer")),
                Combinator.AND, IndexCondition.of("eventType", "=", "OrderPlaced"));

        assertThat(IndexDdl.create(definition, ORDERS))
                .contains("(event_type, (data ->> 'customer'), transaction_id, global_id)")
                .endsWith(" WHERE (event_type = 'OrderPlaced')");
    }

    @Test
    void a_condition_on_a_numeric_field_compares_numbers_not_text() {
        IndexDefinition definition = partial(List.of(new IndexField("amount", ValueType.NUMERIC)), Combinator.AND,
                IndexCondition.of("amount", ">", "100"));

        assertThat(IndexDdl.predicate(definition, ORDERS)).isEqualTo("(((data ->> 'amount')::numeric) > '100'::numeric)");
    }

    @Test
    void a_condition_on_another_key_compares_text_unless_it_orders_by_a_number() {
        IndexDefinition definition = partial(List.of(IndexField.text("customer")), Combinator.OR,
                IndexCondition.of("status", "=", "42"), IndexCondition.of("total", ">=", "1e3"),
                IndexCondition.of("region", "<", "m"));

        assertThat(IndexDdl.predicate(definition, ORDERS)).isEqualTo("((data ->> 'status') = '42')"
                + " OR (((data ->> 'total')::numeric) >= '1E+3'::numeric) OR ((data ->> 'region') < 'm')");
    }

    @Test
    void typed_condition_values_are_rendered_from_their_parsed_value() {
        IndexDefinition definition = partial(List.of(new IndexField("at", ValueType.TIMESTAMPTZ),
                        new IndexField("paid", ValueType.BOOLEAN)), Combinator.AND,
                IndexCondition.of("at", ">=", "2024-05-01T12:00:00+02:00"), IndexCondition.of("paid", "=", " TRUE "),
                IndexCondition.of("at", "<", "2024-06-01"));

        assertThat(IndexDdl.predicate(definition, ORDERS)).isEqualTo(
                "((\"shop\".\"orders_orisun_index_timestamptz\"(data ->> 'at'))"
                        + " >= '2024-05-01T10:00:00Z'::timestamptz)"
                        + " AND (((data ->> 'paid')::boolean) = true)"
                        + " AND ((\"shop\".\"orders_orisun_index_timestamptz\"(data ->> 'at'))"
                        + " < '2024-06-01T00:00:00Z'::timestamptz)");
    }

    @Test
    void hostile_keys_and_values_stay_inside_their_literals() {
        String key = "x'); DROP TABLE \"shop\".\"orders_orisun_es_event\"; --";
        String value = "'); DROP TABLE orders_orisun_es_event; -- \\'";
        IndexDefinition definition = partial(List.of(IndexField.text(key)), Combinator.AND,
                IndexCondition.of(key, "=", value));

        assertThat(IndexDdl.create(definition, ORDERS))
                .contains("((data ->> 'x''); DROP TABLE \"shop\".\"orders_orisun_es_event\"; --'), transaction_id")
                .endsWith("WHERE ((data ->> 'x''); DROP TABLE \"shop\".\"orders_orisun_es_event\"; --')"
                        + " = E'''); DROP TABLE orders_orisun_es_event; -- \\\\''')");
    }

    @Test
    void a_single_condition_has_no_combinator_so_equal_definitions_compare_equal() {
        IndexDefinition or = partial(List.of(IndexField.text("a")), Combinator.OR, IndexCondition.of("a", "=", "1"));
        IndexDefinition and = partial(List.of(IndexField.text("a")), Combinator.AND, IndexCondition.of("a", "=", "1"));

        assertThat(or).isEqualTo(and);
        assertThat(or.combinator()).isEqualTo(Combinator.AND);
    }

    @Test
    void the_physical_name_is_the_boundary_the_name_and_idx() {
        assertThat(IndexDefinition.of("orders", "user_id", IndexField.text("user_id")).physicalName())
                .isEqualTo("orders_user_id_idx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1st", "bad-name", "has space", "quote\"d", "semi;colon", "ünicode"})
    void rejects_names_that_are_not_identifiers(String name) {
        assertThatThrownBy(() -> IndexDefinition.of("orders", name, IndexField.text("a")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("index name");
    }

    @Test
    void rejects_a_name_whose_physical_index_would_exceed_postgresql_identifiers() {
        String boundary = "b".repeat(BoundarySpec.MAX_NAME_LENGTH);
        String fits = "n".repeat(63 - boundary.length() - 5);

        assertThat(IndexDefinition.of(boundary, fits, IndexField.text("a")).physicalName()).hasSize(63);
        assertThatThrownBy(() -> IndexDefinition.of(boundary, fits + "n", IndexField.text("a")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("at most " + fits.length() + " characters");
    }

    @Test
    void rejects_an_index_without_fields_or_with_too_many() {
        assertThatThrownBy(() -> IndexDefinition.of("orders", "none"))
                .isInstanceOf(InvalidRequest.class).hasMessage("an index needs at least one field");
        List<IndexField> many = java.util.stream.IntStream.rangeClosed(0, IndexDefinition.MAX_FIELDS)
                .mapToObj(i -> IndexField.text("k" + i)).toList();
        assertThatThrownBy(() -> new IndexDefinition("orders", "many", many, List.of(), Combinator.AND))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("at most 30 fields");
    }

    @Test
    void rejects_a_repeated_field_including_both_spellings_of_the_event_type() {
        assertThatThrownBy(() -> IndexDefinition.of("orders", "twice", IndexField.text("a"), IndexField.text("a")))
                .isInstanceOf(InvalidRequest.class).hasMessage("fields[1] repeats the key a");
        assertThatThrownBy(() -> IndexDefinition.of("orders", "types", IndexField.text("eventType"),
                IndexField.text("event_type"))).isInstanceOf(InvalidRequest.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "back\\slash", "new\nline", "nul\0"})
    void rejects_keys_that_cannot_be_literals(String key) {
        assertThatThrownBy(() -> IndexField.text(key)).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> IndexCondition.of(key, "=", "v")).isInstanceOf(InvalidRequest.class);
    }

    @Test
    void rejects_a_key_longer_than_a_json_key_may_be() {
        assertThatThrownBy(() -> IndexField.text("k".repeat(JsonKey.MAX_LENGTH + 1))).isInstanceOf(InvalidRequest.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "!=", "<>", "==", "LIKE", "=>", "; DROP TABLE x", "IS NULL"})
    void rejects_operators_other_than_the_five_comparisons(String operator) {
        assertThatThrownBy(() -> IndexCondition.of("a", operator, "1"))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("is not one of =, >, <, >=, <=");
    }

    @Test
    void accepts_the_five_operators_with_surrounding_blanks() {
        assertThat(List.of("=", " > ", "<", ">=", "<=")).map(o -> IndexCondition.of("a", o, "1").operator())
                .containsExactly(IndexCondition.Operator.values());
    }

    @Test
    void rejects_condition_values_that_are_not_of_the_comparison_type() {
        List<IndexField> typed = List.of(new IndexField("amount", ValueType.NUMERIC),
                new IndexField("paid", ValueType.BOOLEAN), new IndexField("at", ValueType.TIMESTAMPTZ));

        assertThatThrownBy(() -> partial(typed, Combinator.AND, IndexCondition.of("amount", ">", "abc")))
                .isInstanceOf(InvalidRequest.class).hasMessage("conditions[0].value 'abc' is not a NUMERIC value");
        assertThatThrownBy(() -> partial(typed, Combinator.AND, IndexCondition.of("amount", ">", "NaN")))
                .isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> partial(typed, Combinator.AND, IndexCondition.of("amount", ">", "1e999999")))
                .isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> partial(typed, Combinator.AND, IndexCondition.of("paid", "=", "yes")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("is not a BOOLEAN value");
        assertThatThrownBy(() -> partial(typed, Combinator.AND, IndexCondition.of("at", ">", "now")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("is not a TIMESTAMPTZ value");
        assertThatThrownBy(() -> partial(typed, Combinator.AND, IndexCondition.of("at", ">", "+10000-01-01T00:00:00Z")))
                .isInstanceOf(InvalidRequest.class);
    }

    @Test
    void rejects_values_with_a_nul_character_or_too_long() {
        assertThatThrownBy(() -> IndexCondition.of("a", "=", "x\0y")).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> IndexCondition.of("a", "=", "x".repeat(1025))).isInstanceOf(InvalidRequest.class);
    }

    @Test
    void rejects_a_typed_event_type_field() {
        assertThatThrownBy(() -> new IndexField("eventType", ValueType.NUMERIC))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("which is TEXT");
    }

    @Test
    void rejects_too_many_conditions() {
        List<IndexCondition> conditions = Collections.nCopies(IndexDefinition.MAX_CONDITIONS + 1,
                IndexCondition.of("a", "=", "1"));
        assertThatThrownBy(() -> new IndexDefinition("orders", "n", List.of(IndexField.text("a")), conditions,
                Combinator.OR)).isInstanceOf(InvalidRequest.class).hasMessageContaining("at most 32 conditions");
    }
}
