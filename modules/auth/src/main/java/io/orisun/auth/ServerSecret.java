package io.orisun.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 32 random bytes, created once in PostgreSQL and shared by every node, from which the token signing key and
 * the hash sealing key are derived (HMAC-SHA256 of a purpose label), so that neither key is used for two things.
 */
final class ServerSecret {

    /** The length of the stored secret. */
    static final int LENGTH = 32;

    private final byte[] secret;

    ServerSecret(byte[] secret) {
        if (secret.length != LENGTH) {
            throw new IllegalArgumentException("the server secret must have " + LENGTH + " bytes");
        }
        this.secret = secret.clone();
    }

    /** The key for session tokens. */
    byte[] tokenKey() {
        return derive("orisun-j session token v1");
    }

    /** The key that seals password hashes in events. */
    byte[] sealKey() {
        return derive("orisun-j password hash seal v1");
    }

    private byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** Never reveals the secret. */
    @Override
    public String toString() {
        return "ServerSecret[****]";
    }
}
