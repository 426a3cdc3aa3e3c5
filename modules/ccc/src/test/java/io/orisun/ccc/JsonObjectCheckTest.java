package io.orisun.ccc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.InvalidRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonObjectCheckTest {

    private static void check(String json) {
        JsonObjectCheck.requireObject(json, "events[2].data");
    }

    @Test
    void accepts_objects_of_every_shape() {
        for (String json : List.of("{}", " { } ", "{\"a\": 1}", "{\"a\": {\"b\": [1, 2.5e3, -0, true, null, \"x\"]}}",
                "{\"n\": 1e1000000}", "{\"s\": \"tab\\t quote\\\" é \\u00e9 \uD83D\uDE00 \\ud83d\\ude00\"}",
                "{\"a\": 1, \"a\": 2}", "\n{\"deep\": [[[[{}]]]]}\n")) {
            assertThatCode(() -> check(json)).as(json).doesNotThrowAnyException();
        }
    }

    @Test
    void rejects_every_other_json_value_naming_the_field() {
        for (String json : List.of("[]", "[{}]", "\"{}\"", "1", "true", "null")) {
            assertThatThrownBy(() -> check(json)).as(json).isInstanceOf(InvalidRequest.class)
                    .hasMessage("events[2].data must be a JSON object");
        }
    }

    @Test
    void rejects_content_after_the_object() {
        assertThatThrownBy(() -> check("{} {}")).isInstanceOf(InvalidRequest.class)
                .hasMessage("events[2].data must be a single JSON object, but has content after it");
        assertThatThrownBy(() -> check("{\"a\": 1}]")).isInstanceOf(InvalidRequest.class)
                .hasMessageStartingWith("events[2].data ");
        assertThatThrownBy(() -> check("{}x")).isInstanceOf(InvalidRequest.class)
                .hasMessageStartingWith("events[2].data ");
    }

    @Test
    void rejects_malformed_json_with_its_location() {
        for (String json : List.of("{", "{\"a\": }", "{'a': 1}", "{\"a\": 1,}", "{\"a\": NaN}", "{a: 1}",
                "{\"a\": 1 // comment\n}", "{\"a\": \"raw \u0001 control\"}")) {
            assertThatThrownBy(() -> check(json)).as(json).isInstanceOf(InvalidRequest.class)
                    .hasMessageStartingWith("events[2].data is not valid JSON");
        }
        assertThatThrownBy(() -> check("{\"a\": tru}")).hasMessageContaining("line 1, column");
    }

    @Test
    void rejects_strings_that_jsonb_cannot_store() {
        assertThatThrownBy(() -> check("{\"a\": \"x\\u0000y\"}")).isInstanceOf(InvalidRequest.class)
                .hasMessage("events[2].data contains the character \\u0000, which PostgreSQL cannot store");
        assertThatThrownBy(() -> check("{\"key\\u0000\": 1}")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("\\u0000");
        assertThatThrownBy(() -> check("{\"a\": [\"\\ud800\"]}")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("unpaired UTF-16 surrogate");
        assertThatThrownBy(() -> check("{\"a\": \"\\udc00\\ud800\"}")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("unpaired UTF-16 surrogate");
    }

    @Test
    void accepts_long_strings_and_numbers_that_jsonb_can_hold() {
        assertThatCode(() -> check("{\"s\": \"" + "y".repeat(30_000_000) + "\"}")).doesNotThrowAnyException();
        assertThatCode(() -> check("{\"n\": " + "9".repeat(5_000) + "}")).doesNotThrowAnyException();
    }
}
