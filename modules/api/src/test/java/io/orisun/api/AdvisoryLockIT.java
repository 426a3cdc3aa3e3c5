package io.orisun.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The advisory lock against a real PostgreSQL: its key, its exclusion across sessions, and its release. */
class AdvisoryLockIT {

    private static PostgresFixture.Database database;

    @BeforeAll
    static void database() {
        database = PostgresFixture.shared().newDatabase();
    }

    /** Whether another session could take the lock keyed as earlier versions keyed it, by the same text. */
    private static boolean freeByTheEarlierKey(String name) throws SQLException {
        try (Connection other = database.connect();
             PreparedStatement statement = other.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    @Test
    void a_session_lock_excludes_other_sessions_by_the_key_earlier_versions_used_until_it_is_closed() throws Exception {
        try (Connection connection = database.connect()) {
            AdvisoryLock lock = AdvisoryLock.acquire(connection, "shop.orders#migrate");
            assertThat(freeByTheEarlierKey("shop.orders#migrate")).as("held by the key hashtextextended(name, 0)")
                    .isFalse();
            assertThat(freeByTheEarlierKey("shop.orders#publisher")).as("another name is another lock").isTrue();
            lock.close();
            assertThat(freeByTheEarlierKey("shop.orders#migrate")).isTrue();
            lock.close();
        }
    }

    @Test
    void trying_a_held_lock_answers_empty_without_waiting_and_succeeds_once_it_is_released() throws Exception {
        try (Connection holder = database.connect(); Connection other = database.connect()) {
            try (AdvisoryLock held = AdvisoryLock.tryAcquire(holder, "shop.orders#index:by_customer").orElseThrow()) {
                assertThat(held.name()).isEqualTo("shop.orders#index:by_customer");
                assertThat(AdvisoryLock.tryAcquire(other, "shop.orders#index:by_customer")).isEmpty();
            }
            Optional<AdvisoryLock> taken = AdvisoryLock.tryAcquire(other, "shop.orders#index:by_customer");
            assertThat(taken).isPresent();
            taken.get().close();
        }
    }

    @Test
    void a_waiting_acquire_returns_once_the_holder_releases() throws Exception {
        try (Connection holder = database.connect(); Connection waiter = database.connect()) {
            AdvisoryLock held = AdvisoryLock.acquire(holder, "shop.orders#auth");
            CompletableFuture<AdvisoryLock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return AdvisoryLock.acquire(waiter, "shop.orders#auth");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(waiting).as("blocked while the lock is held").isNotDone();
            held.close();
            waiting.get(10, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void a_transaction_lock_is_released_by_the_commit() throws Exception {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            AdvisoryLock.acquireForTransaction(connection, "shop.orders#index-catalog");
            assertThat(freeByTheEarlierKey("shop.orders#index-catalog")).isFalse();
            connection.commit();
            assertThat(freeByTheEarlierKey("shop.orders#index-catalog")).isTrue();
        }
    }

    @Test
    void closing_on_a_connection_whose_session_was_terminated_discards_the_connection() throws Exception {
        try (Connection holder = database.connect(); Connection admin = database.connect()) {
            AdvisoryLock lock = AdvisoryLock.acquire(holder, "shop.orders#terminated");
            int pid;
            try (PreparedStatement statement = holder.prepareStatement("SELECT pg_backend_pid()");
                 ResultSet row = statement.executeQuery()) {
                row.next();
                pid = row.getInt(1);
            }
            try (PreparedStatement statement = admin.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
                statement.setInt(1, pid);
                statement.execute();
            }
            lock.close();
            assertThat(holder.isClosed()).as("the connection is aborted, not handed back").isTrue();
            assertThat(freeByTheEarlierKey("shop.orders#terminated")).isTrue();
        }
    }
}
