package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    private static final byte[] KEY = key(1);
    private final TestClock clock = new TestClock();
    private final SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(24), clock);

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @Test
    void a_token_carries_the_user_and_credential_version_it_was_issued_for() {
        String token = tokens.issue("user-1", 3);
        SessionTokens.Claims claims = tokens.verify(token).orElseThrow();
        assertThat(claims.userId()).isEqualTo("user-1");
        assertThat(claims.credentialVersion()).isEqualTo(3);
        assertThat(claims.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    }

    @Test
    void a_token_verifies_with_another_instance_that_has_the_same_key() {
        String token = tokens.issue("user-1", 1);
        assertThat(new SessionTokens(KEY, Duration.ofHours(24), clock).verify(token)).isPresent();
        assertThat(new SessionTokens(key(2), Duration.ofHours(24), clock).verify(token)).isEmpty();
    }

    @Test
    void a_token_whose_payload_was_altered_is_refused() {
        String token = tokens.issue("user-1", 1);
        String[] parts = token.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("user-2|1|1772359200|9999999999".getBytes(StandardCharsets.UTF_8));
        assertThat(tokens.verify(parts[0] + "." + forged + "." + parts[2])).isEmpty();
    }

    @Test
    void a_token_expires_after_its_lifetime() {
        String token = tokens.issue("user-1", 1);
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(tokens.verify(token)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void renewal_is_due_once_half_the_lifetime_has_passed() {
        String token = tokens.issue("user-1", 1);
        clock.advance(Duration.ofHours(12));
        assertThat(tokens.needsRenewal(tokens.verify(token).orElseThrow())).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.needsRenewal(tokens.verify(token).orElseThrow())).isTrue();
    }

    @Test
    void malformed_tokens_are_refused_without_failing() {
        String token = tokens.issue("user-1", 1);
        assertThat(tokens.verify("")).isEmpty();
        assertThat(tokens.verify("v1.")).isEmpty();
        assertThat(tokens.verify("v1.a.b.c")).isEmpty();
        assertThat(tokens.verify("v2" + token.substring(2))).isEmpty();
        assertThat(tokens.verify(token + "x")).isEmpty();
        assertThat(tokens.verify(token.replace('.', '!'))).isEmpty();
        assertThat(tokens.verify("v1.%%%." + token.split("\\.")[2])).isEmpty();
        assertThat(tokens.verify(token + "A".repeat(2000))).isEmpty();
    }

    @Test
    void a_remembered_token_still_expires_at_its_own_expiry() {
        String token = tokens.issue("user-1", 1);
        assertThat(tokens.verify(token)).isPresent();
        assertThat(tokens.remembered()).isEqualTo(1);
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(tokens.verify(new String(token.toCharArray()))).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.verify(token)).isEmpty();
        assertThat(tokens.remembered()).isZero();
    }

    @Test
    void refused_tokens_are_not_remembered() {
        String token = tokens.issue("user-1", 1);
        tokens.verify(token.substring(0, token.length() - 2));
        tokens.verify(new SessionTokens(key(2), Duration.ofHours(24), clock).issue("user-1", 1));
        assertThat(tokens.remembered()).isZero();
    }

    @Test
    void forgetting_a_user_drops_only_its_remembered_tokens() {
        tokens.verify(tokens.issue("user-1", 1));
        clock.advance(Duration.ofSeconds(1));
        tokens.verify(tokens.issue("user-1", 1));
        tokens.verify(tokens.issue("user-2", 1));
        assertThat(tokens.remembered()).isEqualTo(3);
        tokens.forget("user-1");
        assertThat(tokens.remembered()).isEqualTo(1);
    }

    @Test
    void the_remembered_tokens_are_bounded() {
        for (int i = 0; i < SessionTokens.REMEMBERED + 100; i++) {
            assertThat(tokens.verify(tokens.issue("user-" + i, 1))).isPresent();
        }
        assertThat(tokens.remembered()).isLessThanOrEqualTo(SessionTokens.REMEMBERED);
    }
}
