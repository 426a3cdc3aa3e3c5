package io.orisun.api;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of SQL failure that Orisun-J tells apart, recognised by SQLSTATE and never by message text. It is the
 * one classification of the project: each module decides which {@link OrisunException} a kind becomes at its edge,
 * but what a code means is decided here, once.
 *
 * <p>Why each kind holds the codes it does:
 * <ul>
 *   <li>{@link #UNAVAILABLE}: class 08 (connection exception), class 53 (insufficient resources: disk full, out of
 *       memory, too many connections) and class 57 (operator intervention: 57P01 admin shutdown, 57P02 crash
 *       shutdown, 57P03 cannot connect now, 57P04 database dropped, 57P05 idle session timeout, 57000) except
 *       57014. They concern the session or the server as a whole, not the statement: the same work fails on this
 *       connection whatever it is, and may pass later or on another connection. A driver or pool exception of the
 *       connection kinds ({@link SQLTransientConnectionException}, {@link SQLNonTransientConnectionException}, such
 *       as a pool timing out) counts here whatever SQLSTATE it carries.</li>
 *   <li>{@link #CANCELLED}: 57014 query canceled, which is how a statement stopped by its query timeout (a request
 *       budget) ends. It concerns that statement only; the connection stays usable.</li>
 *   <li>{@link #ROLLED_BACK}: class 40 (40001 serialization failure, 40P01 deadlock detected, ...): the transaction
 *       lost a race with another one and was rolled back; repeating it may pass.</li>
 *   <li>{@link #DATA_EXCEPTION} (class 22), {@link #UNIQUE_VIOLATION} (23505), {@link #INTEGRITY_VIOLATION} (the
 *       rest of class 23) and {@link #LIMIT_EXCEEDED} (class 54, such as a value too large to index): the data the
 *       statement carried broke a rule, so repeating it unchanged fails again; see {@link #rejectsData()}.</li>
 *   <li>{@link #DUPLICATE_OBJECT}: 42P06 duplicate schema, 42P07 duplicate table, 42710 duplicate object, 42723
 *       duplicate function; what a {@code CREATE} that lost a race to a concurrent one fails with.</li>
 *   <li>{@link #UNDEFINED_OBJECT}: 42P01 undefined table, 42883 undefined function, 3F000 invalid schema name: the
 *       objects a module's migration creates are missing.</li>
 *   <li>{@link #INSUFFICIENT_PRIVILEGE}: 42501.</li>
 *   <li>Codes of class OR are raised by Orisun-J itself, OR0xx by the event log's functions and OR1xx by Java code
 *       that reports its own SQL conditions: {@link #WRONG_ISOLATION} ({@value #WRONG_ISOLATION_STATE}) and
 *       {@link #MISSING_ROW} ({@value #MISSING_ROW_STATE}).</li>
 *   <li>{@link #OTHER} for any other code, {@link #NO_SQLSTATE} when the exception carries none.</li>
 * </ul>
 */
public enum SqlCondition {

    /** The connection or the server failed as a whole; the statement was not at fault. */
    UNAVAILABLE,
    /** The statement was cancelled, as by its query timeout; the connection is still usable. */
    CANCELLED,
    /** The transaction lost a serialization race or a deadlock and was rolled back; it may be repeated. */
    ROLLED_BACK,
    /** A value did not fit its type or format (class 22). */
    DATA_EXCEPTION,
    /** A unique constraint or index refused a row (23505). */
    UNIQUE_VIOLATION,
    /** Another integrity constraint refused a row (class 23 but 23505). */
    INTEGRITY_VIOLATION,
    /** A program limit was exceeded, such as an index row too large (class 54). */
    LIMIT_EXCEEDED,
    /** A schema, table, function or other object of that name exists already. */
    DUPLICATE_OBJECT,
    /** A schema, table or function the statement needs does not exist. */
    UNDEFINED_OBJECT,
    /** The database user lacks a privilege the statement needs (42501). */
    INSUFFICIENT_PRIVILEGE,
    /** The event log's save function ran above READ COMMITTED ({@value #WRONG_ISOLATION_STATE}). */
    WRONG_ISOLATION,
    /** A row that a module's own tables must hold, such as a checkpoint, is missing ({@value #MISSING_ROW_STATE}). */
    MISSING_ROW,
    /** Any other SQLSTATE. */
    OTHER,
    /** The exception, its causes and its chained exceptions carry no SQLSTATE at all. */
    NO_SQLSTATE;

    /** Raised by the event log's save function when it runs above READ COMMITTED. */
    public static final String WRONG_ISOLATION_STATE = "OR001";
    /** Reported by Java code that finds a row of its own tables missing. */
    public static final String MISSING_ROW_STATE = "OR101";
    /** query_canceled. */
    private static final String QUERY_CANCELED = "57014";
    private static final Set<String> DUPLICATE = Set.of("42P06", "42P07", "42710", "42723");
    private static final Set<String> UNDEFINED = Set.of("42P01", "42883", "3F000");

    /**
     * The kind of a SQLSTATE.
     *
     * @param sqlState a five-character SQLSTATE; an empty one is {@link #NO_SQLSTATE}
     */
    public static SqlCondition classify(String sqlState) {
        if (sqlState.isEmpty()) {
            return NO_SQLSTATE;
        }
        if (sqlState.equals(QUERY_CANCELED)) {
            return CANCELLED;
        }
        if (sqlState.equals(WRONG_ISOLATION_STATE)) {
            return WRONG_ISOLATION;
        }
        if (sqlState.equals(MISSING_ROW_STATE)) {
            return MISSING_ROW;
        }
        if (sqlState.equals("23505")) {
            return UNIQUE_VIOLATION;
        }
        if (sqlState.equals("42501")) {
            return INSUFFICIENT_PRIVILEGE;
        }
        if (DUPLICATE.contains(sqlState)) {
            return DUPLICATE_OBJECT;
        }
        if (UNDEFINED.contains(sqlState)) {
            return UNDEFINED_OBJECT;
        }
        return switch (sqlState.length() < 2 ? sqlState : sqlState.substring(0, 2)) {
            case "08", "53", "57" -> UNAVAILABLE;
            case "40" -> ROLLED_BACK;
            case "22" -> DATA_EXCEPTION;
            case "23" -> INTEGRITY_VIOLATION;
            case "54" -> LIMIT_EXCEEDED;
            default -> OTHER;
        };
    }

    /**
     * The kind of {@code failure}. It is {@link #UNAVAILABLE} when the exception is of a connection kind, and
     * otherwise the kind of the first SQLSTATE found on it, its causes and its chained exceptions
     * ({@link SQLException#getNextException()}), in that order: a pool or a batch may wrap the server's error.
     */
    public static SqlCondition of(SQLException failure) {
        if (failure instanceof SQLTransientConnectionException
                || failure instanceof SQLNonTransientConnectionException) {
            return UNAVAILABLE;
        }
        return classify(sqlState(failure).orElse(""));
    }

    /**
     * The SQLSTATE that {@link #of} classifies: the first one found on {@code failure}, its causes and its chained
     * exceptions, in that order. Empty when none carries one.
     */
    public static Optional<String> sqlState(SQLException failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<SQLException> pending = new ArrayDeque<>();
        pending.add(failure);
        while (!pending.isEmpty()) {
            SQLException next = pending.removeFirst();
            if (!seen.add(next)) {
                continue;
            }
            String state = next.getSQLState();
            if (state != null && !state.isEmpty()) {
                return Optional.of(state);
            }
            if (next.getCause() instanceof SQLException cause) {
                pending.addLast(cause);
            }
            if (next.getNextException() != null) {
                pending.addLast(next.getNextException());
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the failure lies in the data the statement carried (a data exception, a constraint violation or a
     * program limit), so that repeating the statement unchanged would fail again.
     */
    public boolean rejectsData() {
        return this == DATA_EXCEPTION || this == UNIQUE_VIOLATION || this == INTEGRITY_VIOLATION
                || this == LIMIT_EXCEEDED;
    }
}
