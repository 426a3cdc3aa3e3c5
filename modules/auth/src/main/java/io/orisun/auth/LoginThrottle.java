package io.orisun.auth;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing, per username. After {@link #FREE_ATTEMPTS} consecutive failed checks the username
 * is locked for {@link #FIRST_DELAY}, and each further failure doubles the lock up to {@link #MAX_DELAY}. While a
 * username is locked, its password checks fail without running, so guessing costs the attacker time and costs the
 * server no bcrypt work. A success ends the episode; so do {@link #FORGET_AFTER} without failures. One warning is
 * logged per episode, when the lock first applies.
 *
 * <p>The state is per node and bounded: at most {@code maxTracked} usernames are tracked, the stalest dropped first.
 * Credentials that verified before stay usable through the {@link CredentialCache} while their username is locked,
 * so an attacker cannot lock a working client out.
 */
final class LoginThrottle {

    private static final System.Logger LOG = System.getLogger(LoginThrottle.class.getName());

    /** Failures allowed before the first lock. */
    static final int FREE_ATTEMPTS = 5;
    /** The first lock. */
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    /** The longest lock. */
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    /** A username with no failure for this long starts afresh. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final int maxTracked;
    private final InstantSource clock;

    LoginThrottle(int maxTracked, InstantSource clock) {
        this.maxTracked = maxTracked;
        this.clock = clock;
    }

    /** Failures of one username since its last success. */
    private record Failures(int count, long lastMillis, long lockedUntilMillis) {
    }

    /** Whether a password check for {@code username} may run now. */
    boolean allows(String username) {
        Failures current = failures.get(username);
        return current == null || current.lockedUntilMillis() <= clock.millis();
    }

    /** Records a failed check for {@code username}, and locks it once the free attempts are used up. */
    void failed(String username) {
        long now = clock.millis();
        if (failures.size() >= maxTracked && !failures.containsKey(username)) {
            forgetStale(now);
        }
        Failures updated = failures.compute(username, (name, previous) -> {
            int count = previous == null || now - previous.lastMillis() > FORGET_AFTER.toMillis() ? 1 : previous.count() + 1;
            return new Failures(count, now, count >= FREE_ATTEMPTS ? now + delay(count).toMillis() : 0);
        });
        if (updated.count() == FREE_ATTEMPTS) {
            LOG.log(System.Logger.Level.WARNING, "{0} failed logins in a row for username ''{1}''; its password"
                            + " checks are now refused for {2} s, doubling with each further failure up to {3} s",
                    FREE_ATTEMPTS, Names.printable(username), FIRST_DELAY.toSeconds(), MAX_DELAY.toSeconds());
        }
    }

    /** Ends the episode of {@code username}. */
    void succeeded(String username) {
        if (!failures.isEmpty()) {
            failures.remove(username);
        }
    }

    /** The lock after {@code count} consecutive failures; zero before the free attempts are used up. */
    static Duration delay(int count) {
        if (count < FREE_ATTEMPTS) {
            return Duration.ZERO;
        }
        int doublings = Math.min(count - FREE_ATTEMPTS, 20);
        Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** How many usernames are tracked. */
    int tracked() {
        return failures.size();
    }

    private void forgetStale(long now) {
        failures.values().removeIf(f -> now - f.lastMillis() > FORGET_AFTER.toMillis() && f.lockedUntilMillis() <= now);
        if (failures.size() >= maxTracked) {
            // Under a flood of distinct names, forget the unlocked ones first: they have cost nothing yet.
            failures.values().removeIf(f -> f.lockedUntilMillis() <= now);
        }
        if (failures.size() >= maxTracked) {
            failures.clear();
        }
    }
}
