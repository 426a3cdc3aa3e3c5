package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HashSealTest {

    private static final String HASH = "$2a$10$abcdefghijklmnopqrstuuJ4T0W3vL3p2dQ0sNbU0aN2Z9s1Yh9G2";

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @Test
    void a_sealed_hash_opens_for_the_same_user_and_does_not_show_the_hash() {
        HashSeal seal = new HashSeal(key(1));
        String sealed = seal.seal(HASH, "user-1");
        assertThat(sealed).startsWith("v1:").doesNotContain("$2a$");
        assertThat(seal.open(sealed, "user-1")).isEqualTo(HASH);
        assertThat(seal.seal(HASH, "user-1")).as("a fresh nonce per seal").isNotEqualTo(sealed);
    }

    @Test
    void a_sealed_hash_does_not_open_for_another_user_another_key_or_after_tampering() {
        HashSeal seal = new HashSeal(key(1));
        String sealed = seal.seal(HASH, "user-1");
        assertThatThrownBy(() -> seal.open(sealed, "user-2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashSeal(key(2)).open(sealed, "user-1")).isInstanceOf(IllegalArgumentException.class);
        char last = sealed.charAt(sealed.length() - 2);
        String tampered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A')
                + sealed.charAt(sealed.length() - 1);
        assertThatThrownBy(() -> seal.open(tampered, "user-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> seal.open(HASH, "user-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> seal.open("v1:%%%", "user-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> seal.open("v1:AAAA", "user-1")).isInstanceOf(IllegalArgumentException.class);
    }
}
