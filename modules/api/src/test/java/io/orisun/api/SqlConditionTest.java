package io.orisun.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlConditionTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "08000, UNAVAILABLE", "08006, UNAVAILABLE", "08001, UNAVAILABLE",
            "53100, UNAVAILABLE", "53200, UNAVAILABLE", "53300, UNAVAILABLE",
            "57P01, UNAVAILABLE", "57P02, UNAVAILABLE", "57P03, UNAVAILABLE", "57P04, UNAVAILABLE",
            "57P05, UNAVAILABLE", "57000, UNAVAILABLE",
            "57014, CANCELLED",
            "40001, ROLLED_BACK", "40P01, ROLLED_BACK", "40003, ROLLED_BACK",
            "22P02, DATA_EXCEPTION", "22007, DATA_EXCEPTION", "22003, DATA_EXCEPTION",
            "23505, UNIQUE_VIOLATION", "23503, INTEGRITY_VIOLATION", "23514, INTEGRITY_VIOLATION",
            "54000, LIMIT_EXCEEDED", "54001, LIMIT_EXCEEDED",
            "42P06, DUPLICATE_OBJECT", "42P07, DUPLICATE_OBJECT", "42710, DUPLICATE_OBJECT", "42723, DUPLICATE_OBJECT",
            "42P01, UNDEFINED_OBJECT", "42883, UNDEFINED_OBJECT", "3F000, UNDEFINED_OBJECT",
            "42501, INSUFFICIENT_PRIVILEGE",
            "OR001, WRONG_ISOLATION", "OR101, MISSING_ROW",
            "42601, OTHER", "XX000, OTHER", "58030, OTHER", "25P02, OTHER", "OR999, OTHER", "0, OTHER"})
    void each_sqlstate_has_one_kind(String sqlState, SqlCondition expected) {
        assertThat(SqlCondition.classify(sqlState)).isEqualTo(expected);
        assertThat(SqlCondition.of(new SQLException("failed", sqlState))).isEqualTo(expected);
    }

    @Test
    void no_sqlstate_anywhere_is_a_kind_of_its_own() {
        assertThat(SqlCondition.classify("")).isEqualTo(SqlCondition.NO_SQLSTATE);
        assertThat(SqlCondition.of(new SQLException("failed"))).isEqualTo(SqlCondition.NO_SQLSTATE);
        assertThat(SqlCondition.sqlState(new SQLException("failed"))).isEmpty();
    }

    @Test
    void a_connection_exception_is_unavailable_whatever_sqlstate_it_carries() {
        assertThat(SqlCondition.of(new SQLTransientConnectionException("pool timed out"))).isEqualTo(SqlCondition.UNAVAILABLE);
        assertThat(SqlCondition.of(new SQLTransientConnectionException("pool timed out", "28P01")))
                .as("a pool that could not connect because of the password").isEqualTo(SqlCondition.UNAVAILABLE);
        assertThat(SqlCondition.of(new SQLNonTransientConnectionException("closed"))).isEqualTo(SqlCondition.UNAVAILABLE);
    }

    @Test
    void the_sqlstate_of_a_wrapped_cause_counts_when_the_wrapper_has_none() {
        SQLException server = new SQLException("terminating connection due to administrator command", "57P01");
        SQLException wrapper = new SQLException("the pool failed", (String) null, server);
        assertThat(SqlCondition.sqlState(wrapper)).contains("57P01");
        assertThat(SqlCondition.of(wrapper)).isEqualTo(SqlCondition.UNAVAILABLE);
    }

    @Test
    void the_sqlstate_of_a_chained_exception_counts_when_the_batch_has_none() {
        BatchUpdateException batch = new BatchUpdateException("batch failed", (String) null, 0, new int[0], null);
        batch.setNextException(new SQLException("duplicate key", "23505"));
        assertThat(SqlCondition.of(batch)).isEqualTo(SqlCondition.UNIQUE_VIOLATION);
    }

    @Test
    void the_outermost_sqlstate_wins_over_those_of_its_causes() {
        SQLException cause = new SQLException("deadlock", "40P01");
        SQLException outer = new SQLException("cancelled", "57014", cause);
        assertThat(SqlCondition.of(outer)).isEqualTo(SqlCondition.CANCELLED);
        assertThat(SqlCondition.sqlState(outer)).contains("57014");
    }

    @Test
    void a_cycle_of_chained_exceptions_ends() {
        SQLException first = new SQLException("first");
        SQLException second = new SQLException("second");
        first.setNextException(second);
        second.setNextException(first);
        assertThat(SqlCondition.of(first)).isEqualTo(SqlCondition.NO_SQLSTATE);
    }

    @Test
    void only_data_kinds_reject_the_data() {
        assertThat(java.util.Arrays.stream(SqlCondition.values()).filter(SqlCondition::rejectsData))
                .containsExactlyInAnyOrder(SqlCondition.DATA_EXCEPTION, SqlCondition.UNIQUE_VIOLATION,
                        SqlCondition.INTEGRITY_VIOLATION, SqlCondition.LIMIT_EXCEEDED);
    }
}
