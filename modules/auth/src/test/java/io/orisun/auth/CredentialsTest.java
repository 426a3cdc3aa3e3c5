package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.Unauthenticated;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {

    private static String basic(String text) {
        return "Basic " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parses_a_basic_header_splitting_at_the_first_colon() {
        Credentials.Basic credentials = Credentials.basic(basic("alice:se:cret"));
        assertThat(credentials.username()).isEqualTo("alice");
        assertThat(credentials.password()).isEqualTo("se:cret");
    }

    @Test
    void accepts_the_scheme_in_any_case_and_unicode_credentials() {
        Credentials.Basic credentials = Credentials.basic("bAsIc " + basic("jörg:pässwörd").substring(6));
        assertThat(credentials.username()).isEqualTo("jörg");
        assertThat(credentials.password()).isEqualTo("pässwörd");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc", "Basic", "Basic ", "Basic !!!notbase64", "Basic YWxpY2U=", "Digest x"})
    void refuses_a_malformed_header_with_the_one_generic_message(String header) {
        assertThatThrownBy(() -> Credentials.basic(header))
                .isInstanceOf(Unauthenticated.class)
                .hasMessage(Authenticator.INVALID_CREDENTIALS);
    }

    @Test
    void refuses_bytes_that_are_not_utf8() {
        String header = "Basic " + Base64.getEncoder().encodeToString(new byte[]{'a', 'b', 'c', ':', (byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> Credentials.basic(header)).isInstanceOf(Unauthenticated.class);
    }

    @Test
    void refuses_an_oversized_header_without_decoding_it() {
        assertThatThrownBy(() -> Credentials.basic(basic("u:" + "x".repeat(2000))))
                .isInstanceOf(Unauthenticated.class);
    }

    @Test
    void never_prints_a_password_or_a_token() {
        assertThat(new Credentials.Basic("alice", "hunter22")).asString().doesNotContain("hunter22").contains("alice");
        assertThat(Credentials.token(" v1.abc.def ")).asString().doesNotContain("abc");
        assertThat(Credentials.token(" v1.abc.def ").token()).isEqualTo("v1.abc.def");
    }
}
