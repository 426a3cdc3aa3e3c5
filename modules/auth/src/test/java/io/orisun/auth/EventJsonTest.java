package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventJsonTest {

    @Test
    void what_is_written_reads_back_unchanged() {
        String text = EventJson.object()
                .put("name", "quote \" backslash \\ newline \n tab \t bell \u0007 line sep \u2028 ünï")
                .put("version", 42)
                .put("roles", List.of("ADMIN", "a\"b"))
                .write();
        EventJson parsed = EventJson.parse(text);
        assertThat(parsed.text("name")).isEqualTo("quote \" backslash \\ newline \n tab \t bell \u0007 line sep \u2028 ünï");
        assertThat(parsed.number("version")).isEqualTo(42);
        assertThat(parsed.texts("roles")).containsExactly("ADMIN", "a\"b");
    }

    @Test
    void writes_compact_json_with_the_keys_in_the_order_they_were_put() {
        assertThat(EventJson.object().put("user_id", "u").put("credential_version", 3).put("roles", List.of("A", "B"))
                .put("at", "2026-03-01T10:00:00Z").write())
                .isEqualTo("{\"user_id\":\"u\",\"credential_version\":3,\"roles\":[\"A\",\"B\"],"
                        + "\"at\":\"2026-03-01T10:00:00Z\"}");
    }

    @Test
    void reads_the_jsonb_form_postgresql_returns() {
        EventJson parsed = EventJson.parse(
                "{\"name\": \"x\\u00e9\\/y\", \"nested\": {\"a\": [1, 2.5, null, false]}, \"version\": 7}");
        assertThat(parsed.text("name")).isEqualTo("xé/y");
        assertThat(parsed.number("version")).isEqualTo(7);
    }

    @Test
    void typed_accessors_refuse_a_missing_or_mistyped_field() {
        EventJson parsed = EventJson.parse("{\"a\": 1, \"b\": \"x\", \"c\": [1], \"d\": 1.5, \"e\": 1e400,"
                + " \"f\": 1.0000000000000000001, \"g\": 1.0}");
        assertThatThrownBy(() -> parsed.text("a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.text("missing")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.number("b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.number("d")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.number("e")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.number("f")).as("not rounded to a whole number")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(parsed.number("g")).isEqualTo(1);
        assertThatThrownBy(() -> parsed.texts("c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.texts("b")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[]", "1", "\"x\"", "null", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x",
            "{\"a\":1}{}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{\"a\":1,\"a\":2}", "{\"a\":\"\\u12\"}",
            "{\"a\":\"line\nbreak\"}", "{a:1}", "{'a':1}", "{\"a\":NaN}", "{\"a\":01}"})
    void refuses_what_is_not_one_json_object(String text) {
        assertThatThrownBy(() -> EventJson.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refuses_deep_nesting_instead_of_overflowing_the_stack() {
        String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThatThrownBy(() -> EventJson.parse(deep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("[[");
        String allowed = "{\"a\":" + "[".repeat(EventJson.MAX_DEPTH - 1) + "]".repeat(EventJson.MAX_DEPTH - 1) + "}";
        assertThatCode(() -> EventJson.parse(allowed)).as("nesting up to the limit is read").doesNotThrowAnyException();
    }

    @Test
    void a_refusal_names_the_offset_and_not_the_text() {
        assertThatThrownBy(() -> EventJson.parse("{\"secret\": tru}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed JSON at offset").hasMessageNotContaining("tru");
    }
}
