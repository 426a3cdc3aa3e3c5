package io.orisun.ccc;

import static io.orisun.ccc.LogUnderTest.boundary;
import static io.orisun.ccc.LogUnderTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.AppendCondition;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.InvalidRequest;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import io.orisun.api.Unavailable;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * How saves are grouped. Each test holds the boundary's writer lock so that the first save blocks inside the
 * database while the next ones queue up; releasing the lock lets the queued saves through as one flush.
 */
class GroupCommitIT {

    private static SaveRequest unconditional(String boundary, EventToSave... events) {
        return new SaveRequest(boundary, AppendCondition.none(), List.of(events));
    }

    private static SaveRequest ifNothingMatches(String boundary, String key, String value, EventToSave... events) {
        return new SaveRequest(boundary, AppendCondition.contextAt(Query.of(Criterion.of(Tag.of(key, value))),
                Position.NONE), List.of(events));
    }

    /** Starts the saves in order, each queued before the next starts, behind a save blocked on the writer lock. */
    private static List<CompletableFuture<SaveResult>> queueBehindTheLock(LogUnderTest db, String boundary,
                                                                         List<SaveRequest> requests) throws Exception {
        List<CompletableFuture<SaveResult>> results = new ArrayList<>();
        LogUnderTest.HeldLock lock = db.holdWriterLock(boundary);
        try {
            results.add(db.appendAsync(unconditional(boundary, event("blocker", "Blocker", "{}"))));
            db.awaitLockWaiters(1);
            db.awaitQueued(boundary, 0);
            for (SaveRequest request : requests) {
                results.add(db.appendAsync(request));
                db.awaitQueued(boundary, results.size() - 1);
            }
        } finally {
            lock.release();
        }
        for (CompletableFuture<SaveResult> result : results) {
            result.handle((ok, failure) -> null).join();
        }
        return results.subList(1, results.size());
    }

    private static Throwable failureOf(CompletableFuture<SaveResult> result) {
        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class);
        return result.handle((ok, failure) -> failure instanceof CompletionException wrapped ? wrapped.getCause()
                : failure).join();
    }

    @Test
    void one_flush_checks_each_save_against_the_earlier_ones_and_commits_them_together() throws Exception {
        try (LogUnderTest db = new LogUnderTest(boundary("flush", "public"))) {
            List<CompletableFuture<SaveResult>> results = queueBehindTheLock(db, "flush", List.of(
                    ifNothingMatches("flush", "order", "o-1", event("r-1", "Placed", "{\"order\": \"o-1\"}")),
                    ifNothingMatches("flush", "order", "o-1", event("r-2", "Placed", "{\"order\": \"o-1\"}")),
                    unconditional("flush", event("r-3", "Noted", "{}"), event("r-4", "Noted", "{}")),
                    unconditional("flush", event("r-3", "Noted", "{}"), event("r-4", "Noted", "{}"))));

            SaveResult first = results.get(0).join();
            assertThat(first.last()).isEqualTo(new Position(2, 1));
            assertThat(failureOf(results.get(1))).isInstanceOfSatisfying(ConsistencyViolation.class,
                    violation -> assertThat(violation.actual()).isEqualTo(first.last()));
            SaveResult third = results.get(2).join();
            assertThat(third.first()).isEqualTo(new Position(4, 2));
            assertThat(third.last()).isEqualTo(new Position(4, 3));
            SaveResult repeat = results.get(3).join();
            assertThat(repeat.replayed()).as("the same ids again in one flush").isTrue();
            assertThat(repeat.first()).isEqualTo(third.first());

            Map<String, String> transactions = db.writingTransactions("flush");
            assertThat(transactions.keySet()).containsExactly("blocker", "r-1", "r-3", "r-4");
            assertThat(transactions.get("r-1")).as("one commit for the flush")
                    .isEqualTo(transactions.get("r-3")).isEqualTo(transactions.get("r-4"))
                    .isNotEqualTo(transactions.get("blocker"));
            assertThat(db.log.count("flush")).isEqualTo(4);
        }
    }

    @Test
    void a_long_flush_judges_every_save_against_the_earlier_ones_whether_or_not_they_are_written_yet()
            throws Exception {
        try (LogUnderTest db = new LogUnderTest(boundary("long", "public"))) {
            // 250 saves over 100 contexts: each context's first save is accepted, its later ones conflict with it.
            // More than 64 accepted events wait at some point, so the flush writes them in more than one INSERT.
            List<SaveRequest> requests = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                String context = "c-" + (i % 100);
                requests.add(ifNothingMatches("long", "ctx", context,
                        event("e-" + i, "T", "{\"ctx\": \"" + context + "\"}")));
            }
            // A rejected save's id, saved again: it is new, so it is accepted.
            requests.add(unconditional("long", event("e-160", "T", "{\"ctx\": \"other\"}")));
            List<CompletableFuture<SaveResult>> results = queueBehindTheLock(db, "long", requests);

            for (int i = 0; i < 100; i++) {
                assertThat(results.get(i).join().last()).as("save %d", i).isEqualTo(new Position(i + 2, i + 1));
            }
            for (int i = 100; i < 250; i++) {
                int winner = i % 100;
                assertThat(failureOf(results.get(i))).as("save %d", i).isInstanceOfSatisfying(
                        ConsistencyViolation.class,
                        violation -> assertThat(violation.actual()).isEqualTo(new Position(winner + 2, winner + 1)));
            }
            assertThat(results.get(250).join().last()).isEqualTo(new Position(102, 101));
            assertThat(db.readAll("long")).extracting(Event::position)
                    .extracting(Position::globalId).containsExactlyElementsOf(
                            IntStream.rangeClosed(0, 101).mapToObj(Long::valueOf).toList());
            assertThat(db.log.count("long")).isEqualTo(102);
        }
    }

    @Test
    void saves_of_different_condition_shapes_in_one_flush_each_see_the_earlier_saves_of_their_own_context()
            throws Exception {
        try (LogUnderTest db = new LogUnderTest(boundary("shapes", "public"))) {
            List<CompletableFuture<SaveResult>> results = queueBehindTheLock(db, "shapes", List.of(
                    ifNothingMatches("shapes", "account", "a-1", event("s-1", "Opened", "{\"account\": \"a-1\"}")),
                    ifNothingMatches("shapes", "eventType", "Audited", event("s-2", "Audited", "{}")),
                    ifNothingMatches("shapes", "account", "a-2", event("s-3", "Opened", "{\"account\": \"a-2\"}")),
                    ifNothingMatches("shapes", "eventType", "Audited", event("s-4", "Audited", "{}")),
                    ifNothingMatches("shapes", "account", "a-1", event("s-5", "Opened", "{\"account\": \"a-1\"}")),
                    ifNothingMatches("shapes", "account", "a-3", event("s-6", "Opened", "{\"account\": \"a-3\"}"))));

            assertThat(results.get(0).join().last()).isEqualTo(new Position(2, 1));
            assertThat(results.get(1).join().last()).isEqualTo(new Position(3, 2));
            assertThat(results.get(2).join().last()).isEqualTo(new Position(4, 3));
            assertThat(failureOf(results.get(3))).isInstanceOfSatisfying(ConsistencyViolation.class,
                    violation -> assertThat(violation.actual()).isEqualTo(new Position(3, 2)));
            assertThat(failureOf(results.get(4))).isInstanceOfSatisfying(ConsistencyViolation.class,
                    violation -> assertThat(violation.actual()).isEqualTo(new Position(2, 1)));
            assertThat(results.get(5).join().last()).isEqualTo(new Position(5, 4));
            assertThat(db.readAll("shapes")).extracting(Event::eventId)
                    .containsExactly("blocker", "s-1", "s-2", "s-3", "s-6");
        }
    }

    @Test
    void more_condition_shapes_than_a_session_keeps_prepared_are_each_judged_against_the_log() {
        // The save function keeps at most 64 prepared context lookups per session (V2__set_based_save.sql); 70
        // shapes, each used three times, go through preparing, reusing, dropping and preparing again.
        try (LogUnderTest db = new LogUnderTest(boundary("many_shapes", "public"))) {
            List<Position> firsts = new ArrayList<>();
            for (int i = 0; i < 70; i++) {
                Query context = Query.of(Criterion.of(Tag.of("key_" + i, "v")));
                String data = "{\"key_" + i + "\": \"v\"}";
                Position first = db.appendIf("many_shapes", context, Position.NONE,
                        event("m-" + i, "Noted", data)).last();
                firsts.add(first);
                assertThatThrownBy(() -> db.appendIf("many_shapes", context, Position.NONE,
                        event("late-" + data.length() + "-" + first.globalId(), "Noted", data)))
                        .isInstanceOfSatisfying(ConsistencyViolation.class,
                                violation -> assertThat(violation.actual()).isEqualTo(first));
            }
            for (int i = 0; i < 70; i++) {
                Query context = Query.of(Criterion.of(Tag.of("key_" + i, "v")));
                db.appendIf("many_shapes", context, firsts.get(i),
                        event("again-" + i, "Noted", "{\"key_" + i + "\": \"v\"}"));
            }
            assertThat(db.readAll("many_shapes")).hasSize(140);
        }
    }

    @Test
    void a_value_that_jsonb_cannot_hold_fails_only_its_own_save() throws Exception {
        try (LogUnderTest db = new LogUnderTest(boundary("poison", "public"))) {
            List<CompletableFuture<SaveResult>> results = queueBehindTheLock(db, "poison", List.of(
                    unconditional("poison", event("ok-1", "Fine", "{}")),
                    unconditional("poison", event("bad", "Poison", "{\"n\": 1e1000000}")),
                    ifNothingMatches("poison", "k", "v", event("ok-2", "Fine", "{\"k\": \"v\"}"))));

            assertThat(results.get(0).join().last()).isEqualTo(new Position(2, 1));
            assertThat(failureOf(results.get(1))).isInstanceOf(InvalidRequest.class)
                    .hasMessageContaining("SQLSTATE 22003")
                    .hasMessageNotContaining("INSERT").hasMessageNotContaining("SELECT");
            assertThat(results.get(2).join().last()).isEqualTo(new Position(3, 2));
            assertThat(db.readAll("poison")).extracting(Event::eventId).containsExactly("blocker", "ok-1", "ok-2");
            assertThat(db.log.count("poison")).isEqualTo(3);
        }
    }

    @Test
    void a_flush_takes_at_most_the_configured_requests_and_events_but_never_splits_a_save() throws Exception {
        try (LogUnderTest db = new LogUnderTest(new GroupCommitSettings(2, 3, 100), boundary("limits", "public"))) {
            List<CompletableFuture<SaveResult>> results = queueBehindTheLock(db, "limits", List.of(
                    unconditional("limits", event("q1", "T", "{}")),
                    unconditional("limits", event("q2", "T", "{}")),
                    unconditional("limits", event("q3a", "T", "{}"), event("q3b", "T", "{}")),
                    unconditional("limits", event("q4a", "T", "{}"), event("q4b", "T", "{}")),
                    unconditional("limits", IntStream.range(0, 5).mapToObj(i -> event("q5-" + i, "T", "{}"))
                            .toArray(EventToSave[]::new))));
            results.forEach(CompletableFuture::join);

            Map<String, String> transactions = db.writingTransactions("limits");
            assertThat(transactions.get("q1")).isEqualTo(transactions.get("q2"));
            assertThat(transactions.get("q3a")).isEqualTo(transactions.get("q3b"))
                    .isNotEqualTo(transactions.get("q2")).isNotEqualTo(transactions.get("q4a"));
            assertThat(transactions.get("q4a")).isEqualTo(transactions.get("q4b"))
                    .isNotEqualTo(transactions.get("q5-0"));
            assertThat(IntStream.range(0, 5).mapToObj(i -> transactions.get("q5-" + i)).distinct()).hasSize(1);
            assertThat(db.log.count("limits")).as("the blocker and eleven events").isEqualTo(12);
        }
    }

    @Test
    void closing_answers_queued_and_blocked_callers_with_unavailable_and_finishes_the_running_flush()
            throws Exception {
        try (LogUnderTest db = new LogUnderTest(new GroupCommitSettings(512, 1024, 2), boundary("closing", "public"))) {
            CompletableFuture<SaveResult> running;
            List<CompletableFuture<SaveResult>> queued = new ArrayList<>();
            CompletableFuture<Void> closed;
            LogUnderTest.HeldLock lock = db.holdWriterLock("closing");
            try {
                running = db.appendAsync(unconditional("closing", event("running", "T", "{}")));
                db.awaitLockWaiters(1);
                db.awaitQueued("closing", 0);
                queued.add(db.appendAsync(unconditional("closing", event("queued-1", "T", "{}"))));
                db.awaitQueued("closing", 1);
                queued.add(db.appendAsync(unconditional("closing", event("queued-2", "T", "{}"))));
                db.awaitQueued("closing", 2);
                // The queue is full: this caller waits for room.
                CompletableFuture<SaveResult> waiting = new CompletableFuture<>();
                Thread caller = Thread.ofPlatform().start(() -> {
                    try {
                        waiting.complete(db.log.save(unconditional("closing", event("waiting", "T", "{}"))));
                    } catch (RuntimeException e) {
                        waiting.completeExceptionally(e);
                    }
                });
                LogUnderTest.awaitTrue("a caller waiting for room", () -> caller.getState() == Thread.State.WAITING);
                queued.add(waiting);

                closed = CompletableFuture.runAsync(db.log::close, r -> Thread.ofVirtual().start(r));
                for (CompletableFuture<SaveResult> result : queued) {
                    assertThat(failureOf(result)).isInstanceOf(Unavailable.class)
                            .hasMessage("the event log is shutting down");
                }
                assertThat(running).as("the flush in the database is still running").isNotDone();
                assertThatThrownBy(() -> db.append("closing", event("late", "T", "{}")))
                        .isInstanceOf(Unavailable.class).hasMessage("the event log is shutting down");
            } finally {
                lock.release();
            }
            assertThat(running.join().last()).isEqualTo(new Position(1, 0));
            closed.join();
            assertThat(db.readAll("closing")).extracting(Event::eventId).containsExactly("running");
        }
    }

    @Test
    void each_flush_sends_one_notification_with_the_new_head_on_the_lower_cased_channel() throws Exception {
        try (LogUnderTest db = new LogUnderTest(boundary("Notified", "MixedCase"));
             Connection listener = db.database.connect()) {
            try (Statement statement = listener.createStatement()) {
                statement.execute("LISTEN orisun_notified");
            }
            queueBehindTheLock(db, "Notified", List.of(
                    unconditional("Notified", event("n-1", "T", "{}")),
                    unconditional("Notified", event("n-2", "T", "{}"), event("n-3", "T", "{}")),
                    ifNothingMatches("Notified", "eventType", "T", event("n-4", "T", "{}"))))
                    .forEach(result -> result.handle((ok, failure) -> null).join());

            List<String> payloads = new ArrayList<>();
            PGConnection notifications = listener.unwrap(PGConnection.class);
            LogUnderTest.awaitTrue("two notifications", () -> {
                try {
                    PGNotification[] received = notifications.getNotifications(100);
                    Arrays.stream(received).map(PGNotification::getParameter).forEach(payloads::add);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                return payloads.size() >= 2;
            });
            assertThat(payloads).as("the blocker's flush, then one for the three queued saves")
                    .containsExactly("1:0", "4:3");
            assertThat(notifications.getNotifications(200)).as("no rejected save notifies").isEmpty();
        }
    }
}
