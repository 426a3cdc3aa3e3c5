package io.orisun.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts password hashes before they go into user events. The admin boundary is readable by every
 * authenticated caller (clients read it with GetEvents), and a bcrypt hash in clear invites offline guessing; the
 * events carry {@code v1:base64(nonce|ciphertext)} instead, AES-256-GCM under a key derived from the server
 * secret, with the user id as associated data so that a sealed hash cannot be moved to another user.
 */
final class HashSeal {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    HashSeal(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the sealing key needs 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The sealed form of {@code hash}, bound to {@code userId}. */
    String seal(String hash, String userId) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(hash.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The hash inside {@code sealed}.
     *
     * @throws IllegalArgumentException when it is malformed, was sealed under another key, or for another user
     */
    String open(String sealed, String userId) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("the password hash is not sealed");
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealed password hash is not Base64", e);
        }
        if (in.length <= NONCE_BYTES) {
            throw new IllegalArgumentException("the sealed password hash is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("the sealed password hash does not open with this server's secret", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
