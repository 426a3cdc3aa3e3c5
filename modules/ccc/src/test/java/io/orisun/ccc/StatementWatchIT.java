package io.orisun.ccc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.SqlCondition;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The watch that enforces budgets, on real statements of a real PostgreSQL. */
class StatementWatchIT {

    private static Connection connection;

    @BeforeAll
    static void connect() throws SQLException {
        connection = PostgresFixture.shared().newDatabase().connect();
    }

    @AfterAll
    static void disconnect() throws SQLException {
        connection.close();
    }

    @Test
    void a_statement_past_its_deadline_is_cancelled_with_sqlstate_57014_and_the_connection_stays_usable() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> sleep(3.0, Duration.ofMillis(200)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(SqlCondition.of(e)).isEqualTo(SqlCondition.CANCELLED);
                    assertThat(Budget.isExceeded(e)).isTrue();
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_000));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThatNoCancel(() -> sleep(0, Duration.ofSeconds(5)));
    }

    @Test
    void the_watch_wakes_from_its_sleep_for_a_statement_that_starts_after_a_quiet_spell() throws Exception {
        Thread.sleep(StatementWatch.TICK_MILLIS * 30);
        assertThatThrownBy(() -> sleep(3.0, Duration.ofMillis(200))).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(Budget.isExceeded((SQLException) e)).isTrue());
    }

    @Test
    void a_statement_that_ended_before_its_deadline_leaves_the_next_statement_alone() {
        assertThatNoCancel(() -> sleep(0.05, Duration.ofMillis(300)));
        // Runs well past the first statement's deadline, on the same connection, under a budget of its own.
        assertThatNoCancel(() -> sleep(0.6, Duration.ofSeconds(5)));
    }

    @Test
    void a_budget_is_applied_in_whole_seconds_rounded_up() {
        assertThatNoCancel(() -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_sleep(1.3)");
                 StatementWatch.Watched watched = new Budget("read", Duration.ofMillis(1_100)).watch(statement)) {
                statement.executeQuery().close();
            }
        });
    }

    /** Runs {@code pg_sleep(seconds)} watched with a deadline {@code limit} from now. */
    private static void sleep(double seconds, Duration limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_sleep(?)");
             StatementWatch.Watched watched = StatementWatch.watch(statement,
                     System.nanoTime() + TimeUnit.NANOSECONDS.convert(limit))) {
            statement.setDouble(1, seconds);
            statement.executeQuery().close();
        }
    }

    private interface Work {
        void run() throws SQLException;
    }

    private static void assertThatNoCancel(Work work) {
        try {
            work.run();
        } catch (SQLException e) {
            throw new AssertionError("the statement failed with SQLSTATE " + e.getSQLState(), e);
        }
    }
}
