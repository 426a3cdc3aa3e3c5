package io.orisun.ccc;

import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does a statement time limit cost per statement, on a round trip that does almost nothing else
 * ({@code SELECT 1} on one open connection to a real PostgreSQL 17)? {@code none} sets no limit;
 * {@code query_timeout} puts JDBC's query timeout on every statement, which arms and disarms a timer task of the
 * driver's shared timer thread each time; {@code watched} puts the save path's budget on it ({@link Budget#watch}),
 * one entry in the set that {@link StatementWatch}'s thread looks at every 50 ms. Read the time per statement;
 * the process CPU per statement is printed after each iteration, since the timer thread's wake-ups are CPU the
 * calling thread does not see. The class sits in the event log's package to reach its budget.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StatementTimeoutBenchmark {

    @Param({"none", "query_timeout", "watched"})
    public String limit;

    private static final Budget BUDGET = new Budget("write", Duration.ofSeconds(2));

    private Connection connection;
    private PreparedStatement statement;
    private long cpuBefore;
    private long operations;

    @Setup(Level.Trial)
    public void connect() throws SQLException {
        connection = PostgresFixture.shared().newDatabase().connect();
        statement = connection.prepareStatement("SELECT 1");
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        statement.close();
        connection.close();
    }

    @Setup(Level.Iteration)
    public void startCpu() {
        cpuBefore = processCpuNanos();
        operations = 0;
    }

    @TearDown(Level.Iteration)
    public void printCpu() {
        System.out.printf("%n  process CPU per statement: %.1f us%n", (processCpuNanos() - cpuBefore) / 1e3 / operations);
    }

    @Benchmark
    public int select_1() throws SQLException {
        operations++;
        if (limit.equals("watched")) {
            try (StatementWatch.Watched watched = BUDGET.watch(statement)) {
                return execute();
            }
        }
        if (limit.equals("query_timeout")) {
            statement.setQueryTimeout(2);
        }
        return execute();
    }

    private int execute() throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
