package io.orisun.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session tokens that any node can check without shared memory: {@code v1.<payload>.<mac>}, where the payload
 * (Base64url) is {@code userId|credentialVersion|issuedAt|expiresAt} (epoch seconds) and the MAC is HMAC-SHA256 of
 * the payload under a key derived from the server secret. A token names the user's credential version, so a
 * password change or a deletion revokes every token issued before it; a token stays valid until its expiry
 * ({@code issuedAt + ttl}), and {@link #needsRenewal} tells when to hand out a fresh one.
 *
 * <p>A client sends the same token on every call, so the claims of tokens that verified are remembered, keyed by the
 * token text: a repeated token costs a map lookup and a clock read instead of an HMAC and a parse. A remembered
 * token still expires at its own expiry. What the claims do not say, whether the user still exists at that credential
 * version, is the caller's check on every call, so remembering a token never extends what a deletion or a password
 * change revokes; {@link #forget} drops a user's entries only to free their memory. At most {@link #REMEMBERED}
 * tokens are kept; when full, expired ones go first, then arbitrary ones.
 */
final class SessionTokens {

    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    static final int REMEMBERED = 10_000;

    private final Mac prototype;
    private final Duration ttl;
    private final InstantSource clock;
    private final Map<String, Claims> verified = new ConcurrentHashMap<>();

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
        if (token.length() > Credentials.MAX_LENGTH) {
            return Optional.empty();
        }
        Claims remembered = verified.get(token);
        if (remembered != null) {
            if (clock.instant().isBefore(remembered.expiresAt())) {
                return Optional.of(remembered);
            }
            verified.remove(token, remembered);
            return Optional.empty();
        }
        Optional<Claims> claims = check(token);
        claims.ifPresent(valid -> remember(token, valid));
        return claims;
    }

    /** What {@link #verify} answers for a token it has not remembered. */
    private Optional<Claims> check(String token) {
        if (!token.startsWith(VERSION + ".")) {
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
        // Both ends are whole seconds, so half the lifetime is a whole number of milliseconds.
        long lifetimeSeconds = claims.expiresAt().getEpochSecond() - claims.issuedAt().getEpochSecond();
        return clock.instant().isAfter(claims.issuedAt().plusMillis(lifetimeSeconds * 500));
    }

    /** Forgets the remembered tokens of {@code userId}, after the user was deleted or changed its password. */
    void forget(String userId) {
        verified.values().removeIf(claims -> claims.userId().equals(userId));
    }

    /** How many verified tokens are remembered, expired ones included. */
    int remembered() {
        return verified.size();
    }

    private void remember(String token, Claims claims) {
        if (verified.size() >= REMEMBERED) {
            Instant now = clock.instant();
            verified.values().removeIf(entry -> !now.isBefore(entry.expiresAt()));
            Iterator<String> tokens = verified.keySet().iterator();
            // Drop a tenth at once so that a full map does not pay this scan on every new token.
            int excess = verified.size() - REMEMBERED + REMEMBERED / 10;
            while (excess-- > 0 && tokens.hasNext()) {
                tokens.next();
                tokens.remove();
            }
        }
        verified.put(token, claims);
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
