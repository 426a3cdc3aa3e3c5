package io.orisun.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.orisun.api.RequestLimits;
import io.orisun.api.Unavailable;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
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
    private final CompletableFuture<byte[]> decoy = new CompletableFuture<>();
    private final AtomicLong checks = new AtomicLong();
    private final Semaphore running = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);

    /**
     * Starts making the decoy hash on a thread of its own: it costs a bcrypt hash, which the server's start-up does
     * not wait for. A check of an unknown username in the first moments after start-up waits for it instead.
     */
    PasswordHasher() {
        Thread.ofPlatform().daemon().name("orisun-decoy-hash").start(() -> {
            try {
                byte[] random = new byte[16];
                new SecureRandom().nextBytes(random);
                decoy.complete(hasher.hash(COST,
                        java.util.HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII)));
            } catch (RuntimeException | Error e) {
                decoy.completeExceptionally(e);
            }
        });
    }

    /** Whether {@code password} is short enough for bcrypt to read all of it. */
    static boolean fits(String password) {
        return RequestLimits.utf8Length(password) <= MAX_PASSWORD_BYTES;
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
        return verifies(password, hash);
    }

    /**
     * Whether {@code password} matches {@code hash}, like {@link #matches}, but not counted in {@link #checks()}:
     * for the node's own look at the administrator's password, which runs in the background after start-up.
     */
    boolean verifies(String password, String hash) {
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
                verifyer.verify(password.getBytes(StandardCharsets.UTF_8), decoy.join());
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
}
