package io.orisun.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a run warms up before its measured window. With {@code untilSteady}, the warm-up lasts until the event rates
 * of {@value #STEADY_SECONDS} consecutive seconds lie within {@link #STEADY_SPREAD} of their mean, and at most
 * {@code max}; otherwise it lasts {@code max}. Its first {@code cold} is tallied on its own: what a server and a
 * client that have just started achieve, which is what the first requests after a deploy meet.
 *
 * @param cold        the first part of the warm-up, reported as the cold figures
 * @param max         the longest warm-up (the whole warm-up when not {@code untilSteady})
 * @param untilSteady whether the warm-up ends as soon as the rate is steady
 */
record WarmUp(Duration cold, Duration max, boolean untilSteady) {

    static final Duration COLD = Duration.ofSeconds(3);
    static final Duration DEFAULT_MAX = Duration.ofSeconds(60);
    static final int STEADY_SECONDS = 3;
    static final double STEADY_SPREAD = 0.10;

    WarmUp {
        if (cold.isNegative() || max.isNegative() || cold.compareTo(max) > 0) {
            throw new IllegalArgumentException("a warm-up needs 0 <= cold <= max, got cold " + cold + " and max " + max);
        }
    }

    /** A warm-up of exactly {@code length}, the first {@link #COLD} of it (or all of it, when shorter) cold. */
    static WarmUp fixed(Duration length) {
        return new WarmUp(length.compareTo(COLD) < 0 ? length : COLD, length, false);
    }

    /** A warm-up until the rate is steady, of at least {@link #COLD} (or {@code max}, when shorter). */
    static WarmUp steady(Duration max) {
        return new WarmUp(max.compareTo(COLD) < 0 ? max : COLD, max, true);
    }

    /** Whether the last {@value #STEADY_SECONDS} per-second rates are steady: positive, and close to their mean. */
    static boolean isSteady(List<Double> rates) {
        if (rates.size() < STEADY_SECONDS) {
            return false;
        }
        List<Double> last = rates.subList(rates.size() - STEADY_SECONDS, rates.size());
        double mean = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        if (mean <= 0) {
            return false;
        }
        double min = last.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = last.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return max - mean <= STEADY_SPREAD * mean && mean - min <= STEADY_SPREAD * mean;
    }

    @Override
    public String toString() {
        return untilSteady ? "until steady, at most " + max : max.toString();
    }

    /**
     * What a warm-up did.
     *
     * @param seconds how long it lasted
     * @param steady  whether the rate was steady when it ended (false when it ran out of time first)
     * @param cold    the figures of its cold part, if it had one
     */
    record Outcome(double seconds, boolean steady, Optional<Tally.Totals> cold) {
        static final Outcome NONE = new Outcome(0, false, Optional.empty());
    }
}
