package io.orisun.api;

/**
 * Every failure that Orisun-J reports to a caller. The hierarchy is sealed so that the one place that maps it
 * to a wire status handles every case; adding a type without a mapping does not compile.
 */
public sealed abstract class OrisunException extends RuntimeException
        permits ConsistencyViolation, InvalidRequest, NotFound, AlreadyExists, FailedPrecondition, Unauthenticated,
        PermissionDenied, Unavailable, BudgetExceeded {

    protected OrisunException(String message) {
        super(message);
    }

    protected OrisunException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The longest part of a caller's input that a message repeats, in characters. */
    public static final int ECHO_LENGTH = 64;

    /**
     * A caller's {@code input} as a message repeats it: its first {@value #ECHO_LENGTH} characters (then
     * {@code ...}), with control and non-ASCII characters escaped Java-style (a backslash, {@code u} and four
     * hex digits) and the backslash doubled, so that every client shows the same short, readable text. Every
     * message that quotes input quotes it through this method.
     */
    public static String echo(String input) {
        boolean cut = input.length() > ECHO_LENGTH;
        String kept = cut ? input.substring(0, ECHO_LENGTH) : input;
        StringBuilder out = new StringBuilder(kept.length() + 8);
        for (int i = 0; i < kept.length(); i++) {
            char c = kept.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c > 0x7E) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return cut ? out.append("...").toString() : out.toString();
    }
}
