package io.orisun.ccc;

import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;
import io.orisun.api.SqlCondition;
import io.orisun.api.Unavailable;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns {@link SQLException}s into the api's exceptions at the edge of this module, by their
 * {@link SqlCondition}. Messages never carry SQL text: a server error contributes only its primary message.
 */
final class SqlFailure {

    private SqlFailure() {
    }

    /**
     * Whether the failure concerns the connection or the server as a whole ({@link SqlCondition#UNAVAILABLE})
     * rather than the statement: retrying the same work elsewhere would not help. A cancelled statement (what a
     * {@link Budget} ends with) concerns only its statement, so it is not.
     */
    static boolean isConnectionLevel(SQLException e) {
        return SqlCondition.of(e) == SqlCondition.UNAVAILABLE;
    }

    /**
     * The api exception for a failure of {@code action} (such as "saving to") on {@code boundary}:
     * {@link Unavailable} for connection-level failures and anything unexpected, {@link InvalidRequest} for bad
     * input, {@link FailedPrecondition} when the boundary's tables or functions are missing.
     */
    static OrisunException translate(SQLException e, String action, BoundaryTables tables) {
        String state = SqlCondition.sqlState(e).orElse("none");
        String where = action + " boundary " + tables.boundary();
        SqlCondition condition = SqlCondition.of(e);
        if (condition == SqlCondition.UNAVAILABLE) {
            return new Unavailable("the database could not be reached while " + where + " (SQLSTATE " + state + ")", e);
        }
        if (condition.rejectsData()) {
            return new InvalidRequest("the database rejected the request while " + where + ": " + primaryMessage(e)
                    + " (SQLSTATE " + state + ")", e);
        }
        if (condition == SqlCondition.UNDEFINED_OBJECT) {
            return new FailedPrecondition("the tables of boundary " + tables.boundary() + " are missing from schema "
                    + tables.spec().schema() + "; its migration has not run (SQLSTATE " + state + ")", e);
        }
        if (condition == SqlCondition.WRONG_ISOLATION) {
            return new FailedPrecondition("saves to boundary " + tables.boundary()
                    + " must run at isolation level READ COMMITTED; check default_transaction_isolation", e);
        }
        return new Unavailable("the database failed while " + where + " (SQLSTATE " + state + ")", e);
    }

    private static String primaryMessage(SQLException e) {
        if (e instanceof PSQLException psql) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return server.getMessage();
            }
        }
        return "invalid data";
    }
}
