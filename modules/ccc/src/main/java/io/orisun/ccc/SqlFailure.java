package io.orisun.ccc;

import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;
import io.orisun.api.Unavailable;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Classifies {@link SQLException}s by SQLSTATE and turns them into the api's exceptions at the edge of this
 * module. Messages never carry SQL text: a server error contributes only its primary message.
 */
final class SqlFailure {

    /** Raised by the save function when it runs above READ COMMITTED. */
    static final String WRONG_ISOLATION = "OR001";

    private SqlFailure() {
    }

    /**
     * Whether the failure concerns the connection or the server as a whole (class 08, 53 or 57, or a pool that
     * could not hand out a connection), rather than the statement: retrying the same work elsewhere would not help.
     * A cancelled statement (57014, what a {@link Budget} ends with) concerns only its statement, so it is not.
     */
    static boolean isConnectionLevel(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && !state.equals(Budget.CANCELLED)
                && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57"));
    }

    /** Whether the failure lies in the data of the request: data exceptions, constraint violations, limits. */
    static boolean isBadInput(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    /**
     * The api exception for a failure of {@code action} (such as "saving to") on {@code boundary}:
     * {@link Unavailable} for connection-level failures and anything unexpected, {@link InvalidRequest} for bad
     * input, {@link FailedPrecondition} when the boundary's tables or functions are missing.
     */
    static OrisunException translate(SQLException e, String action, BoundaryTables tables) {
        String state = e.getSQLState() == null ? "none" : e.getSQLState();
        String where = action + " boundary " + tables.boundary();
        if (isConnectionLevel(e)) {
            return new Unavailable("the database could not be reached while " + where + " (SQLSTATE " + state + ")", e);
        }
        if (isBadInput(e)) {
            return new InvalidRequest("the database rejected the request while " + where + ": " + primaryMessage(e)
                    + " (SQLSTATE " + state + ")", e);
        }
        if (state.equals("42P01") || state.equals("42883") || state.equals("3F000")) {
            return new FailedPrecondition("the tables of boundary " + tables.boundary() + " are missing from schema "
                    + tables.spec().schema() + "; its migration has not run (SQLSTATE " + state + ")", e);
        }
        if (state.equals(WRONG_ISOLATION)) {
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
