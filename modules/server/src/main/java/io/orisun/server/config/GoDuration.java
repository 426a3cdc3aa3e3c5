package io.orisun.server.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in Go's syntax, as Orisun's settings write them: {@code 300ms}, {@code 30s}, {@code 1h30m}. */
final class GoDuration {

    /** What a malformed duration is told it should have been. */
    static final String EXPECTED = "a duration (for example 300ms, 30s, 5m, 24h or 1h30m; a bare number means seconds)";

    private static final Pattern BARE_SECONDS = Pattern.compile("\\d{1,18}");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    /**
     * Parses a duration in Go's syntax: a sequence of decimal numbers, each with a unit ({@code ns}, {@code us},
     * {@code ms}, {@code s}, {@code m}, {@code h}), such as {@code 300ms}, {@code 1h30m} or {@code 1.5h}. A bare
     * integer means seconds. Negative durations are not accepted.
     *
     * @throws IllegalArgumentException when {@code text} is not such a duration or does not fit a {@link Duration}
     *                                  of at most 292 years
     */
    static Duration parse(String text) {
        if (BARE_SECONDS.matcher(text).matches()) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        Matcher part = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length()) {
            part.region(at, text.length());
            if (!part.lookingAt()) {
                throw new IllegalArgumentException("not a duration: " + text);
            }
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unitNanos(part.group(2)))));
            at = part.end();
        }
        try {
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration too long: " + text, e);
        }
    }

    /** Writes a duration in the syntax {@link #parse} reads, largest units first: {@code 1h30m}, {@code 300ms}. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        appendPart(text, duration.toHours(), "h");
        appendPart(text, duration.toMinutesPart(), "m");
        appendPart(text, duration.toSecondsPart(), "s");
        appendPart(text, duration.toMillisPart(), "ms");
        appendPart(text, duration.toNanosPart() % 1_000_000, "ns");
        return text.toString();
    }

    private static void appendPart(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(amount).append(unit);
        }
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown duration unit " + unit);
        };
    }
}
