package io.orisun.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.api.OrisunException;
import org.junit.jupiter.api.Test;

class StatusTextTest {

    @Test
    void percent_encodes_exactly_the_bytes_outside_printable_ascii_and_the_percent_sign() {
        assertThat(StatusText.percentEncoded("plain text: ~!@#$^&*()_+{}|:\"<>?")).isEqualTo("plain text: ~!@#$^&*()_+{}|:\"<>?");
        assertThat(StatusText.percentEncoded("100% \u00e9\n\u20ac")).isEqualTo("100%25 %C3%A9%0A%E2%82%AC");
    }

    @Test
    void a_description_for_the_wire_is_escaped_cut_and_encoded() {
        assertThat(StatusText.forWire("boundary '\u00e9' at 5%")).isEqualTo("boundary '\\u00E9' at 5%25");
        String wire = StatusText.forWire("x".repeat(70_000));
        assertThat(wire).hasSize(StatusText.MAX_LENGTH + 3).endsWith("...");
        assertThat(StatusText.forWire("tab\there")).isEqualTo("tab\\u0009here");
    }

    @Test
    void echoed_input_is_a_short_prefix_with_control_and_non_ascii_characters_escaped() {
        assertThat(OrisunException.echo("orisun_test_1")).isEqualTo("orisun_test_1");
        assertThat(OrisunException.echo("\u00e9\u0000a\\b")).isEqualTo("\\u00E9\\u0000a\\\\b");
        assertThat(OrisunException.echo("b".repeat(70_000))).isEqualTo("b".repeat(OrisunException.ECHO_LENGTH) + "...");
    }
}
