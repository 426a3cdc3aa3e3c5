package io.orisun.auth;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing, per username. After {@link #FREE_ATTEMPTS} consecutive failed checks the username
 * is locked for {@link #FIRST_DELAY}, and each further failure doubles the lock up to {@link #MAX_DELAY}. While a
 * username is locked, its password checks fail without running, so guessing costs the attacker time and costs the
 * server no bcrypt work. A success ends the episode; so do {@link #FORGET_AFTER} without failures. One warning is
 * logged per episode, when the lock first applies.
 *
 * <p>The state is per node and bounded: at most {@code maxTracked} usernames are tracked. A locked username is
 * never forgotten to make room, because forgetting it would hand the attacker fresh free attempts: when the table
 * is full, the unlocked entries with the oldest last failure are dropped first. When every tracked username is
 * locked, a name not in the table is not tracked on its own: all such names share one overflow entry, throttled
 * exactly like one username, so guessing across untracked names gets the same free attempts and locks as guessing
 * one name, and memory stays at {@code maxTracked} entries plus that one. Credentials that verified before stay
 * usable through the {@link CredentialCache} while their username (or the overflow entry) is locked, so an
 * attacker cannot lock a working client out.
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
    /** The share of the table freed by one eviction, so that a flood of new names does not sort on every failure. */
    private static final int EVICT_DIVISOR = 10;

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final int maxTracked;
    private final InstantSource clock;
    /** The shared entry of the names that found the table full of locked ones; written under {@code this}. */
    private volatile Failures overflow;

    /** @throws IllegalArgumentException when {@code maxTracked} is not positive */
    LoginThrottle(int maxTracked, InstantSource clock) {
        if (maxTracked < 1) {
            throw new IllegalArgumentException("maxTracked must be positive");
        }
        this.maxTracked = maxTracked;
        this.clock = clock;
    }

    /** Failures of one username since its last success. */
    private record Failures(int count, long lastMillis, long lockedUntilMillis) {

        static Failures after(Failures previous, long now) {
            int count = previous == null || now - previous.lastMillis() > FORGET_AFTER.toMillis() ? 1 : previous.count() + 1;
            return new Failures(count, now, count >= FREE_ATTEMPTS ? now + delay(count).toMillis() : 0);
        }

        boolean lockedAt(long now) {
            return lockedUntilMillis > now;
        }
    }

    /** Whether a password check for {@code username} may run now. */
    boolean allows(String username) {
        long now = clock.millis();
        Failures current = failures.get(username);
        if (current != null) {
            return !current.lockedAt(now);
        }
        Failures shared = overflow;
        return shared == null || !shared.lockedAt(now);
    }

    /** Records a failed check for {@code username}, and locks it once the free attempts are used up. */
    void failed(String username) {
        long now = clock.millis();
        Failures updated = failures.computeIfPresent(username, (name, previous) -> Failures.after(previous, now));
        if (updated == null) {
            failedUntracked(username, now);
        } else if (updated.count() == FREE_ATTEMPTS) {
            warnLocked(username);
        }
    }

    private static void warnLocked(String username) {
        LOG.log(System.Logger.Level.WARNING, "{0} failed logins in a row for username ''{1}''; its password"
                        + " checks are now refused for {2} s, doubling with each further failure up to {3} s",
                FREE_ATTEMPTS, Names.printable(username), FIRST_DELAY.toSeconds(), MAX_DELAY.toSeconds());
    }

    /**
     * Adds {@code username} to the table, making room by dropping the oldest unlocked entries; when every entry is
     * locked, counts the failure on the shared overflow entry instead. Serialised, so the table never exceeds its cap.
     */
    private synchronized void failedUntracked(String username, long now) {
        if (!failures.containsKey(username) && failures.size() >= maxTracked) {
            evictOldestUnlocked(now);
            if (failures.size() >= maxTracked) {
                overflow = Failures.after(overflow, now);
                if (overflow.count() == FREE_ATTEMPTS) {
                    LOG.log(System.Logger.Level.WARNING, "all {0} tracked usernames are locked; {1} failed logins in a"
                            + " row for other usernames, whose password checks are now refused together for {2} s,"
                            + " doubling with each further failure up to {3} s", maxTracked, FREE_ATTEMPTS,
                            FIRST_DELAY.toSeconds(), MAX_DELAY.toSeconds());
                }
                return;
            }
        }
        Failures updated = failures.compute(username, (name, previous) -> Failures.after(previous, now));
        if (updated.count() == FREE_ATTEMPTS) {
            warnLocked(username);
        }
    }

    /** Drops unlocked entries, oldest last failure first, until a tenth of the table is free. */
    private void evictOldestUnlocked(long now) {
        List<Map.Entry<String, Failures>> unlocked = new ArrayList<>();
        for (Map.Entry<String, Failures> entry : failures.entrySet()) {
            if (!entry.getValue().lockedAt(now)) {
                unlocked.add(entry);
            }
        }
        unlocked.sort(Comparator.comparingLong(entry -> entry.getValue().lastMillis()));
        int target = maxTracked - Math.max(1, maxTracked / EVICT_DIVISOR);
        for (int i = 0; i < unlocked.size() && failures.size() > target; i++) {
            Map.Entry<String, Failures> entry = unlocked.get(i);
            // Only if unchanged: a failure recorded meanwhile may have locked it.
            failures.remove(entry.getKey(), entry.getValue());
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

    /** Whether {@code username} has an entry of its own. */
    boolean tracks(String username) {
        return failures.containsKey(username);
    }

    /** How many usernames are tracked, not counting the overflow entry. */
    int tracked() {
        return failures.size();
    }
}
