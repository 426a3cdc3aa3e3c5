package io.orisun.ccc;

import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.LogObserver;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Runs the read statements of every boundary. Each method is one statement, so each answer comes from one
 * snapshot, and because writers commit in position order (see the save function) that snapshot holds a gap-free
 * prefix of the log. Every statement that reads events runs under the read budget, so that no read can hold a pool
 * connection for longer.
 */
final class LogReader {

    private final DataSource reads;
    private final Budget budget;
    private final LogObserver observer;

    LogReader(DataSource reads, Duration budget, LogObserver observer) {
        this.reads = reads;
        this.budget = new Budget("read", budget);
        this.observer = observer;
    }

    List<Event> read(BoundaryTables tables, ReadRequest request) {
        try (Connection connection = reads.getConnection();
             PreparedStatement statement = prepareRead(connection, tables, request, "")) {
            List<Event> events = new ArrayList<>(Math.min(request.count(), 256));
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(event(rows, 1));
                }
            }
            return events;
        } catch (SQLException e) {
            throw failure(e, "a read", tables);
        }
    }

    /**
     * The boundary's head and the newest event matching {@code query} (which has criteria), from one statement:
     * what a large consistency check reads before its save is queued, so that under the writer lock only the
     * events after that head remain to be examined. Each criterion is its own branch with its own
     * {@code ORDER BY ... LIMIT 1}, which an index on its keys serves with one probe; one predicate that ORs them
     * all would let the planner walk the whole log backwards hoping for an early match.
     */
    PreparedSave.Seen seen(BoundaryTables tables, Query query) {
        StringBuilder branches = new StringBuilder(128 * query.criteria().size());
        List<String> values = new ArrayList<>();
        for (Criterion criterion : query.criteria()) {
            CriteriaSql.Predicate predicate = CriteriaSql.of(criterion, CriteriaSql.Binding.JDBC);
            if (!branches.isEmpty()) {
                branches.append("\nUNION ALL\n");
            }
            branches.append(ReadStatements.CONTEXT_BRANCH.formatted(tables.events(), predicate.sql()));
            values.addAll(predicate.values());
        }
        String sql = ReadStatements.CONTEXT.formatted(tables.head(), branches);
        try (Connection connection = reads.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                statement.setString(i + 1, values.get(i));
            }
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("the head row of boundary " + tables.boundary() + " is missing");
                }
                Position head = new Position(row.getLong(1), row.getLong(2));
                long foundTx = row.getLong(3);
                Position found = row.wasNull() ? Position.NONE : new Position(foundTx, row.getLong(4));
                return new PreparedSave.Seen(head, found, query);
            }
        } catch (SQLException e) {
            throw failure(e, "the consistency check of a save", tables);
        }
    }

    private OrisunException failure(SQLException e, String what, BoundaryTables tables) {
        if (Budget.isExceeded(e)) {
            observer.budgetExceeded(tables.boundary(), budget.operation());
            return budget.exceeded(what, tables, e);
        }
        return SqlFailure.translate(e, "reading from", tables);
    }

    /** The plan PostgreSQL chooses for {@link #read}, with the same statement and bind values. */
    String explainRead(BoundaryTables tables, ReadRequest request) {
        try (Connection connection = reads.getConnection();
             PreparedStatement statement = prepareRead(connection, tables, request, "EXPLAIN ")) {
            return plan(statement);
        } catch (SQLException e) {
            throw SqlFailure.translate(e, "explaining a read of", tables);
        }
    }

    /**
     * The plan of the consistency check for {@code query}: the statement the save function executes, with the
     * values bound as parameters here rather than as array elements.
     */
    String explainCheck(BoundaryTables tables, io.orisun.api.Query query) {
        CriteriaSql.Predicate predicate = CriteriaSql.of(query, CriteriaSql.Binding.JDBC);
        String sql = "EXPLAIN " + ReadStatements.CHECK.formatted(tables.events(), predicate.sql());
        try (Connection connection = reads.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < predicate.values().size(); i++) {
                statement.setString(i + 1, predicate.values().get(i));
            }
            return plan(statement);
        } catch (SQLException e) {
            throw SqlFailure.translate(e, "explaining a check of", tables);
        }
    }

    private static String plan(PreparedStatement statement) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static PreparedStatement prepareRead(Connection connection, BoundaryTables tables, ReadRequest request,
                                                 String prefix) throws SQLException {
        boolean ascending = request.direction() == Direction.ASC;
        Optional<Position> bound = Optional.empty();
        String start;
        switch (request.start()) {
            case ReadStart.Edge edge -> start = "TRUE";
            case ReadStart.From from -> {
                start = ascending ? ReadStatements.AT_OR_AFTER : ReadStatements.AT_OR_BEFORE;
                bound = Optional.of(from.position());
            }
            case ReadStart.After after -> {
                start = ascending ? ReadStatements.AFTER : ReadStatements.BEFORE;
                bound = Optional.of(after.position());
            }
        }
        CriteriaSql.Predicate criteria = CriteriaSql.of(request.query(), CriteriaSql.Binding.JDBC);
        String sql = prefix + ReadStatements.READ.formatted(tables.events(), start, criteria.sql(),
                ascending ? "ASC" : "DESC");
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            int parameter = 1;
            if (bound.isPresent()) {
                statement.setLong(parameter++, bound.get().transactionId());
                statement.setLong(parameter++, bound.get().globalId());
            }
            for (String value : criteria.values()) {
                statement.setString(parameter++, value);
            }
            statement.setInt(parameter, request.count());
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    /** Expects validated criteria: at least one, each with at least one tag. */
    LatestByCriteria latest(BoundaryTables tables, List<Criterion> criteria) {
        StringBuilder sql = new StringBuilder(256 * criteria.size());
        List<String> values = new ArrayList<>();
        for (int i = 0; i < criteria.size(); i++) {
            CriteriaSql.Predicate predicate = CriteriaSql.of(criteria.get(i), CriteriaSql.Binding.JDBC);
            if (i > 0) {
                sql.append("\nUNION ALL\n");
            }
            sql.append(ReadStatements.LATEST_BRANCH.formatted(i, tables.events(), predicate.sql()));
            values.addAll(predicate.values());
        }
        try (Connection connection = reads.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                statement.setString(i + 1, values.get(i));
            }
            List<Optional<Event>> latest = new ArrayList<>(Collections.nCopies(criteria.size(), Optional.empty()));
            Position context = Position.NONE;
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Event event = event(rows, 2);
                    latest.set(rows.getInt(1), Optional.of(event));
                    if (event.position().isAfter(context)) {
                        context = event.position();
                    }
                }
            }
            return new LatestByCriteria(latest, context);
        } catch (SQLException e) {
            throw failure(e, "a read", tables);
        }
    }

    /** The head row: the newest position (or {@link Position#NONE}) and the event count. */
    Head head(BoundaryTables tables) {
        try (Connection connection = reads.getConnection();
             PreparedStatement statement = connection.prepareStatement(ReadStatements.HEAD.formatted(tables.head()));
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                throw new IllegalStateException("the head row of boundary " + tables.boundary() + " is missing");
            }
            return new Head(new Position(row.getLong(1), row.getLong(2)), row.getLong(3));
        } catch (SQLException e) {
            throw SqlFailure.translate(e, "reading from", tables);
        }
    }

    record Head(Position position, long count) {
    }

    private static Event event(ResultSet row, int first) throws SQLException {
        return new Event(row.getString(first), row.getString(first + 1), row.getString(first + 2),
                row.getString(first + 3), new Position(row.getLong(first + 4), row.getLong(first + 5)),
                row.getObject(first + 6, OffsetDateTime.class).toInstant());
    }
}
