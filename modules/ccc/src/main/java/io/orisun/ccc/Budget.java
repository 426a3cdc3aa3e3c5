package io.orisun.ccc;

import io.orisun.api.BudgetExceeded;
import io.orisun.api.SqlCondition;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A time limit on one kind of statement. Past it the statement is cancelled ({@link StatementWatch}): PostgreSQL stops
 * it at its next interrupt check, the transaction rolls back, and the connection stays usable. A cancel works the
 * same behind a connection pooler, where a session setting such as {@code statement_timeout} would not stay with
 * the statement.
 *
 * @param operation "write" or "read", as {@link io.orisun.api.LogObserver#budgetExceeded} reports it
 * @param limit     the budget; applied rounded up to whole seconds, as JDBC's query timeout took it
 */
record Budget(String operation, Duration limit) {

    /**
     * Starts the budget of {@code statement}, which is about to execute; closing the result ends it. Use it around
     * the call that executes the statement and reads its result.
     */
    StatementWatch.Watched watch(Statement statement) {
        long seconds = Math.max(1, limit.toSeconds() + (limit.toNanosPart() > 0 ? 1 : 0));
        return StatementWatch.watch(statement, System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
    }

    /** Whether {@code e} is a statement cancelled by its budget ({@link SqlCondition#CANCELLED}). */
    static boolean isExceeded(SQLException e) {
        return SqlCondition.of(e) == SqlCondition.CANCELLED;
    }

    /** The failure a caller sees when {@code what} (such as "the save") ran past this budget. */
    BudgetExceeded exceeded(String what, BoundaryTables tables, SQLException cause) {
        return new BudgetExceeded(what + " on boundary " + tables.boundary() + " ran past the " + operation
                + " budget of " + describe(limit) + " and was cancelled" + (operation.equals("write")
                ? "; nothing of it was written" : "") + ". Narrow the query, index the queried keys, or raise the "
                + operation + " budget", cause);
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
