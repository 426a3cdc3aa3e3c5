package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonbTextTest {

    @Test
    void strings_yield_their_unescaped_text() {
        assertThat(JsonbText.topLevelFields("{\"a\": \"x\\\"y\\u00e9\\n\"}")).containsEntry("a", "x\"yé\n");
    }

    @Test
    void numbers_yield_their_numeric_text() {
        Map<String, String> fields = JsonbText.topLevelFields(
                "{\"int\": 42, \"scaled\": 1.0, \"exp\": 1e2, \"negexp\": 1.5E-3, \"zero\": -0, \"negzero\": -0.00,"
                        + " \"big\": 12345678901234567890123, \"frac\": 1.50e1}");
        assertThat(fields).containsEntry("int", "42")
                .containsEntry("scaled", "1.0")
                .containsEntry("exp", "100")
                .containsEntry("negexp", "0.0015")
                .containsEntry("zero", "0")
                .containsEntry("negzero", "0.00")
                .containsEntry("big", "12345678901234567890123")
                .containsEntry("frac", "15.0");
    }

    @Test
    void booleans_yield_true_or_false_and_null_yields_nothing() {
        Map<String, String> fields = JsonbText.topLevelFields("{\"t\": true, \"f\": false, \"n\": null}");
        assertThat(fields).containsEntry("t", "true").containsEntry("f", "false").doesNotContainKey("n");
    }

    @Test
    void containers_yield_their_jsonb_text_with_keys_ordered_by_length_then_bytes() {
        Map<String, String> fields = JsonbText.topLevelFields(
                "{\"o\":{\"bb\":1,\"a\":[1,2.50,{\"z\":null,\"y\":\"q\\t\"}],\"c\":{}},\"e\":[]}");
        assertThat(fields).containsEntry("o", "{\"a\": [1, 2.50, {\"y\": \"q\\t\", \"z\": null}], \"c\": {}, \"bb\": 1}")
                .containsEntry("e", "[]");
    }

    @Test
    void the_last_of_duplicate_keys_wins_at_every_level() {
        Map<String, String> fields = JsonbText.topLevelFields(
                "{\"a\": 1, \"a\": \"two\", \"b\": \"x\", \"b\": null, \"c\": {\"k\": 1, \"k\": 2}}");
        assertThat(fields).containsEntry("a", "two").doesNotContainKey("b").containsEntry("c", "{\"k\": 2}");
    }

    @Test
    void control_characters_in_nested_strings_are_escaped_as_postgresql_does() {
        assertThat(JsonbText.topLevelFields("{\"o\": [\"\\u0001\\u001f\\/\"]}")).containsEntry("o", "[\"\\u0001\\u001f/\"]");
    }

    @Test
    void anything_but_an_object_has_no_fields() {
        assertThat(JsonbText.topLevelFields("[1, 2]")).isEmpty();
        assertThat(JsonbText.topLevelFields("not json")).isEmpty();
    }
}
