package io.orisun.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session tokens that any node can check without shared memory: {@code v1.<payload>.<mac>}, where the payload
 * (Base64url) is {@code userId|credentialVersion|issuedAt|expiresAt} (epoch seconds) and the MAC is HMAC-SHA256 of
 * the payload under a key derived from the server secret. A token names the user's credential version, so a
 * password change or a deletion revokes every token issued before it; a token stays valid until its expiry
 * ({@code issuedAt + ttl}), and {@link #needsRenewal} tells when to hand out a fresh one.
 */
final class SessionTokens {

    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Mac prototype;
    private final Duration ttl;
    private final InstantSource clock;

    /**
     * @param key   the signing key, at least 32 bytes
     * @param ttl   how long a token is valid after it is issued
     * @param clock the time source for issuing and expiry
     */
    SessionTokens(byte[] key, Duration ttl, InstantSource clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the token key needs at least 32 bytes");
        }
        this.ttl = ttl;
        this.clock = clock;
        try {
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** What a valid token says. */
    record Claims(String userId, long credentialVersion, Instant issuedAt, Instant expiresAt) {
    }

    /** A new token for the user at {@code credentialVersion}, valid for the TTL from now. */
    String issue(String userId, long credentialVersion) {
        long now = clock.instant().getEpochSecond();
        String payload = userId + "|" + credentialVersion + "|" + now + "|" + (now + ttl.toSeconds());
        String encoded = ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return VERSION + "." + encoded + "." + ENCODER.encodeToString(mac(encoded));
    }

    /**
     * The claims of {@code token}, or empty when it is malformed, was not signed with this key, or has expired.
     * The MAC is compared in constant time.
     */
    Optional<Claims> verify(String token) {
        if (token.length() > Credentials.MAX_LENGTH || !token.startsWith(VERSION + ".")) {
            return Optional.empty();
        }
        int dot = token.indexOf('.', VERSION.length() + 1);
        if (dot < 0 || token.indexOf('.', dot + 1) >= 0) {
            return Optional.empty();
        }
        String encoded = token.substring(VERSION.length() + 1, dot);
        byte[] presented;
        String payload;
        try {
            presented = DECODER.decode(token.substring(dot + 1));
            payload = new String(DECODER.decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(presented, mac(encoded))) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\|", -1);
        if (parts.length != 4 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        Claims claims;
        try {
            claims = new Claims(parts[0], Long.parseLong(parts[1]), Instant.ofEpochSecond(Long.parseLong(parts[2])),
                    Instant.ofEpochSecond(Long.parseLong(parts[3])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return clock.instant().isBefore(claims.expiresAt()) ? Optional.of(claims) : Optional.empty();
    }

    /** Whether more than half of the token's lifetime has passed, so that the client should get a fresh one. */
    boolean needsRenewal(Claims claims) {
        Duration lifetime = Duration.between(claims.issuedAt(), claims.expiresAt());
        return clock.instant().isAfter(claims.issuedAt().plus(lifetime.dividedBy(2)));
    }

    private byte[] mac(String encodedPayload) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HMAC-SHA256 cannot be cloned", e);
        }
        return mac.doFinal(encodedPayload.getBytes(StandardCharsets.US_ASCII));
    }
}
