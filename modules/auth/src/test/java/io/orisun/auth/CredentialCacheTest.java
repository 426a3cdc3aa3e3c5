package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {

    private final TestClock clock = new TestClock();
    private final CredentialCache cache = new CredentialCache(100, Duration.ofMinutes(5), clock);

    @Test
    void the_key_is_a_digest_that_holds_neither_the_password_nor_the_username() {
        String key = cache.keyOf("alice", "hunter22");
        assertThat(key).hasSize(32).doesNotContain("hunter22").doesNotContain("alice");
        assertThat(key.getBytes(StandardCharsets.ISO_8859_1)).hasSize(32);
        assertThat(cache.keyOf("alice", "hunter22")).isEqualTo(key);
        assertThat(cache.keyOf("alice", "hunter23")).isNotEqualTo(key);
        assertThat(cache.keyOf("alic", "ehunter22")).isNotEqualTo(key);
    }

    @Test
    void keys_differ_between_caches_so_they_cannot_be_precomputed() {
        CredentialCache other = new CredentialCache(100, Duration.ofMinutes(5), clock);
        assertThat(other.keyOf("alice", "hunter22")).isNotEqualTo(cache.keyOf("alice", "hunter22"));
    }

    @Test
    void an_entry_lives_for_the_ttl() {
        String key = cache.keyOf("alice", "hunter22");
        cache.put(key, "user-1", 1);
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(cache.find(key)).map(CredentialCache.Entry::userId).contains("user-1");
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.find(key)).isEmpty();
    }

    @Test
    void evicting_a_user_drops_all_of_its_entries_and_only_those() {
        cache.put(cache.keyOf("alice", "one"), "user-1", 1);
        cache.put(cache.keyOf("alice", "two"), "user-1", 1);
        cache.put(cache.keyOf("bob", "three"), "user-2", 1);
        cache.evictUser("user-1");
        assertThat(cache.find(cache.keyOf("alice", "one"))).isEmpty();
        assertThat(cache.find(cache.keyOf("alice", "two"))).isEmpty();
        assertThat(cache.find(cache.keyOf("bob", "three"))).isPresent();
    }

    @Test
    void the_cache_never_grows_beyond_its_bound() {
        for (int i = 0; i < 1_000; i++) {
            cache.put(cache.keyOf("user" + i, "password"), "id" + i, 1);
            assertThat(cache.size()).isLessThanOrEqualTo(100);
        }
        assertThat(cache.find(cache.keyOf("user999", "password"))).isPresent();
    }
}
