package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private static final PasswordHasher HASHER = new PasswordHasher();

    @Test
    void hashes_with_bcrypt_at_cost_ten_and_a_fresh_salt() {
        String hash = HASHER.hash("changeit");
        assertThat(hash).startsWith("$2a$10$").hasSize(60);
        assertThat(HASHER.hash("changeit")).isNotEqualTo(hash);
        assertThat(HASHER.matches("changeit", hash)).isTrue();
        assertThat(HASHER.matches("changeiT", hash)).isFalse();
    }

    @Test
    void the_longest_accepted_password_is_read_whole() {
        String longest = "x".repeat(PasswordHasher.MAX_PASSWORD_BYTES);
        String hash = HASHER.hash(longest);
        assertThat(HASHER.matches(longest, hash)).isTrue();
        assertThat(HASHER.matches(longest.substring(1) + "y", hash)).isFalse();
        assertThat(HASHER.matches(longest + "x", hash)).as("a longer password never matches").isFalse();
        assertThat(PasswordHasher.fits("é".repeat(35))).isTrue();
        assertThat(PasswordHasher.fits("é".repeat(36))).isFalse();
        assertThat(PasswordHasher.fits("😀".repeat(17))).isTrue();
        assertThat(PasswordHasher.fits("😀".repeat(18))).isFalse();
    }

    @Test
    void a_hash_that_is_not_bcrypt_matches_nothing_and_unknown_users_match_nothing() {
        assertThat(HASHER.matches("changeit", "not a hash")).isFalse();
        long before = HASHER.checks();
        assertThat(HASHER.matchesNothing("changeit")).isFalse();
        assertThat(HASHER.checks()).isEqualTo(before + 1);
    }
}
