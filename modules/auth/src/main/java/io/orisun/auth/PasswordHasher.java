package io.orisun.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.orisun.api.Unavailable;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bcrypt at cost 10. A check costs tens of milliseconds of CPU on purpose, so callers put a
 * {@link CredentialCache} in front of it. Unknown usernames are checked against a decoy hash, so that the time an
 * answer takes does not tell whether a username exists. At most half the processors run bcrypt at once, so a
 * flood of wrong passwords cannot take the CPU from every other call.
 */
final class PasswordHasher {

    /** The bcrypt cost (log2 of the rounds). */
    static final int COST = 10;
    /**
     * The longest password in UTF-8 bytes. bcrypt keys on 72 bytes including a terminating zero; rather than let
     * the rest of a longer password be silently ignored, longer ones are refused.
     */
    static final int MAX_PASSWORD_BYTES = 71;

    private final BCrypt.Hasher hasher = BCrypt.with(new SecureRandom());
    private final BCrypt.Verifyer verifyer = BCrypt.verifyer();
    private final byte[] decoy;
    private final AtomicLong checks = new AtomicLong();
    private final Semaphore running = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);

    PasswordHasher() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        decoy = hasher.hash(COST, java.util.HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether {@code password} is short enough for bcrypt to read all of it. */
    static boolean fits(String password) {
        return utf8Length(password) <= MAX_PASSWORD_BYTES;
    }

    /** A new salted hash of an acceptable password (see {@link NewUser#requirePassword}). */
    String hash(String password) {
        acquire();
        try {
            return new String(hasher.hash(COST, password.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
        } finally {
            running.release();
        }
    }

    /** Whether {@code password} matches {@code hash}. A password too long to have been accepted never matches. */
    boolean matches(String password, String hash) {
        checks.incrementAndGet();
        if (!fits(password)) {
            return false;
        }
        acquire();
        try {
            return verifyer.verify(password.getBytes(StandardCharsets.UTF_8),
                    hash.getBytes(StandardCharsets.US_ASCII)).verified;
        } catch (IllegalArgumentException e) {
            // A hash that is not bcrypt matches nothing.
            return false;
        } finally {
            running.release();
        }
    }

    /** Spends the time of a real check and answers no; for usernames that do not exist. */
    boolean matchesNothing(String password) {
        checks.incrementAndGet();
        if (fits(password)) {
            acquire();
            try {
                verifyer.verify(password.getBytes(StandardCharsets.UTF_8), decoy);
            } finally {
                running.release();
            }
        }
        return false;
    }

    private void acquire() {
        try {
            running.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting to check a password", e);
        }
    }

    /** How many password checks ran since this hasher was made. */
    long checks() {
        return checks.get();
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
