package io.orisun.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Username and password pairs that bcrypt verified recently, so that Basic authentication costs a hash lookup
 * instead of a bcrypt check on every call.
 *
 * <p>The key is an HMAC-SHA256 of the pair under a random key made when the cache is, so neither the password
 * nor a plain digest of it is kept. An entry remembers the user id and credential version it was verified
 * against; it lives at most the TTL, is removed when its user changes ({@link #evictUser}), and a caller must still
 * compare its version with the user's current one. The cache holds at most {@code maxEntries}; when full, expired
 * entries go first, then arbitrary ones.
 */
final class CredentialCache {

    private static final String ALGORITHM = "HmacSHA256";

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Mac prototype;
    private final int maxEntries;
    private final long ttlMillis;
    private final InstantSource clock;

    CredentialCache(int maxEntries, Duration ttl, InstantSource clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the cache needs room for at least one entry");
        }
        this.maxEntries = maxEntries;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** A verified pair: whose it is and at which credential version it was checked. */
    record Entry(String userId, long credentialVersion, long expiresAtMillis) {
    }

    /** The cache key of a username and password. */
    String keyOf(String username, String password) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HMAC-SHA256 cannot be cloned", e);
        }
        mac.update(username.getBytes(StandardCharsets.UTF_8));
        // A zero byte cannot occur in either part's UTF-8 form without a NUL character, so the pair is unambiguous.
        mac.update((byte) 0);
        mac.update(password.getBytes(StandardCharsets.UTF_8));
        return new String(mac.doFinal(), StandardCharsets.ISO_8859_1);
    }

    /** The unexpired entry under {@code key}. */
    Optional<Entry> find(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expiresAtMillis() <= clock.millis()) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /** Remembers that the pair under {@code key} verified as {@code userId} at {@code credentialVersion}. */
    void put(String key, String userId, long credentialVersion) {
        long now = clock.millis();
        if (entries.size() >= maxEntries) {
            makeRoom(now);
        }
        entries.put(key, new Entry(userId, credentialVersion, now + ttlMillis));
    }

    /** Forgets the entry under {@code key}. */
    void remove(String key) {
        entries.remove(key);
    }

    /** Forgets every entry of the user, after it was deleted or changed its password. */
    void evictUser(String userId) {
        entries.values().removeIf(entry -> entry.userId().equals(userId));
    }

    /** How many entries the cache holds, expired ones included. */
    int size() {
        return entries.size();
    }

    private void makeRoom(long now) {
        entries.values().removeIf(entry -> entry.expiresAtMillis() <= now);
        Iterator<String> keys = entries.keySet().iterator();
        // Drop a tenth at once so that a full cache does not pay this scan on every insert.
        int excess = entries.size() - maxEntries + Math.max(1, maxEntries / 10);
        while (excess-- > 0 && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }
}
