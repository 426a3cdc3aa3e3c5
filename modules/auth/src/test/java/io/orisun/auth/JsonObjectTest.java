package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonObjectTest {

    @Test
    void what_the_builder_writes_reads_back_unchanged() {
        String text = JsonObject.builder()
                .put("name", "quote \" backslash \\ newline \n tab \t bell \u0007 line sep \u2028 ünï")
                .put("version", 42)
                .put("flag", true)
                .put("roles", List.of("ADMIN", "a\"b"))
                .build();
        JsonObject parsed = JsonObject.parse(text);
        assertThat(parsed.text("name")).isEqualTo("quote \" backslash \\ newline \n tab \t bell \u0007 line sep \u2028 ünï");
        assertThat(parsed.number("version")).isEqualTo(42);
        assertThat(parsed.flag("flag", false)).isTrue();
        assertThat(parsed.flag("missing", true)).isTrue();
        assertThat(parsed.texts("roles")).containsExactly("ADMIN", "a\"b");
    }

    @Test
    void reads_the_jsonb_form_postgresql_returns() {
        JsonObject parsed = JsonObject.parse(
                "{\"name\": \"x\\u00e9\\/y\", \"nested\": {\"a\": [1, 2.5, null, false]}, \"version\": 7}");
        assertThat(parsed.text("name")).isEqualTo("xé/y");
        assertThat(parsed.number("version")).isEqualTo(7);
        assertThat(parsed.fields()).containsKey("nested");
    }

    @Test
    void typed_accessors_refuse_a_missing_or_mistyped_field() {
        JsonObject parsed = JsonObject.parse("{\"a\": 1, \"b\": \"x\", \"c\": [1], \"d\": 1.5}");
        assertThatThrownBy(() -> parsed.text("a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.text("missing")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.number("b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.number("d")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.texts("c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parsed.flag("a", false)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":\"\\x\"}",
            "{\"a\":tru}", "{\"a\":1,\"a\":2}", "{\"a\":\"\\u12\"}", "{\"a\":\"line\nbreak\"}", "{a:1}"})
    void refuses_what_is_not_one_json_object(String text) {
        assertThatThrownBy(() -> JsonObject.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refuses_deep_nesting_instead_of_overflowing_the_stack() {
        String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThatThrownBy(() -> JsonObject.parse(deep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested too deeply");
    }
}
