package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.AlreadyExists;
import io.orisun.api.AppendCondition;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.NotFound;
import io.orisun.api.PermissionDenied;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.Unauthenticated;
import io.orisun.ccc.PgEventLog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UserDirectoryIT {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void stop() {
        nodes.close();
    }

    private static Credentials.Basic basic(String username, String password) {
        return new Credentials.Basic(username, password);
    }

    private static Caller callerOf(UserDirectory directory, String username, String password) {
        return directory.authenticator().authenticate(basic(username, password)).caller();
    }

    @Test
    void nodes_starting_together_on_an_empty_database_create_the_administrator_once() throws Exception {
        int count = 3;
        CyclicBarrier barrier = new CyclicBarrier(count);
        List<Future<UserDirectory>> started = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                started.add(threads.submit(() -> {
                    barrier.await();
                    return nodes.start();
                }));
            }
            for (Future<UserDirectory> node : started) {
                node.get();
            }
        }
        UserDirectory directory = started.getFirst().get();
        assertThat(directory.list()).singleElement().satisfies(user -> {
            assertThat(user.username()).isEqualTo("admin");
            assertThat(user.roles()).containsExactly(Role.ADMIN);
        });
        List<Event> created = nodes.log().read(new ReadRequest("orisun_admin", Query.of(UserEvent.CREATIONS),
                ReadStart.edge(), Direction.ASC, 100));
        assertThat(created).hasSize(1);
    }

    @Test
    void a_restarted_node_does_not_create_the_administrator_again() {
        UserDirectory first = nodes.start();
        Caller admin = callerOf(first, "admin", "changeit");
        first.delete(first.create(NewUser.of("Root", "root", "rootroot", List.of("ADMIN"))).userId(), admin);
        first.close();
        UserDirectory second = nodes.start();
        assertThat(second.list()).extracting(User::username).containsExactly("admin");
    }

    @Test
    void the_administrator_authenticates_with_basic_and_then_with_the_token_it_was_given() {
        Authenticator authenticator = nodes.start().authenticator();
        Authentication basic = authenticator.authenticate(basic("admin", "changeit"));
        assertThat(basic.caller().roles()).containsExactly(Role.ADMIN);
        Authentication token = authenticator.authenticate(Credentials.token(basic.token()));
        assertThat(token.caller()).isEqualTo(basic.caller());
        assertThat(token.token()).as("a fresh token is returned as it is").isEqualTo(basic.token());
    }

    @Test
    void wrong_credentials_of_every_kind_fail_with_the_same_message() {
        Authenticator authenticator = nodes.start().authenticator();
        for (Credentials credentials : List.<Credentials>of(basic("admin", "wrong-password"), basic("nobody", "changeit"),
                basic("", ""), Credentials.token("v1.abc.def"), Credentials.token("garbage"))) {
            assertThatThrownBy(() -> authenticator.authenticate(credentials))
                    .as("%s", credentials)
                    .isInstanceOf(Unauthenticated.class)
                    .hasMessage(Authenticator.INVALID_CREDENTIALS);
        }
    }

    @Test
    void a_verified_password_is_not_checked_with_bcrypt_again() {
        Authenticator authenticator = nodes.start().authenticator();
        authenticator.authenticate(basic("admin", "changeit"));
        long checks = authenticator.passwordChecks();
        for (int i = 0; i < 100; i++) {
            authenticator.authenticate(basic("admin", "changeit"));
        }
        assertThat(authenticator.passwordChecks()).isEqualTo(checks);
    }

    @Test
    void users_are_created_listed_and_counted_with_the_times_of_their_events() throws Exception {
        UserDirectory directory = nodes.start();
        User alice = directory.create(NewUser.of("Alice", "alice", "alicepw", List.of("OPERATIONS")));
        Thread.sleep(20);
        assertThat(directory.count()).isEqualTo(2);
        User listed = directory.list().stream().filter(u -> u.username().equals("alice")).findFirst().orElseThrow();
        assertThat(listed).isEqualTo(alice);
        assertThat(listed.createdAt()).isBefore(java.time.Instant.now().minusMillis(10));
        assertThat(callerOf(directory, "alice", "alicepw").roles()).containsExactly(Role.OPERATIONS);
    }

    @Test
    void password_hashes_never_appear_in_clear_in_the_log() {
        UserDirectory directory = nodes.start();
        directory.create(NewUser.of("Alice", "alice", "alicepw", List.of("OPERATIONS")));
        List<Event> events = nodes.log().read(new ReadRequest("orisun_admin", Query.all(), ReadStart.edge(),
                Direction.ASC, 100));
        assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(event.data()).doesNotContain("$2a$"));
    }

    @Test
    void a_taken_username_is_already_exists_until_its_user_is_deleted() {
        UserDirectory directory = nodes.start();
        Caller admin = callerOf(directory, "admin", "changeit");
        User first = directory.create(NewUser.of("Alice", "alice", "alicepw", List.of("OPERATIONS")));
        assertThatThrownBy(() -> directory.create(NewUser.of("Other", " alice ", "otherpw", List.of("ADMIN"))))
                .isInstanceOf(AlreadyExists.class).hasMessageContaining("'alice'");
        String oldToken = directory.authenticator().authenticate(basic("alice", "alicepw")).token();
        directory.delete(first.userId(), admin);
        User second = directory.create(NewUser.of("Alice II", "alice", "secondpw", List.of("ADMIN")));
        assertThat(second.userId()).isNotEqualTo(first.userId());
        assertThatThrownBy(() -> directory.authenticator().authenticate(Credentials.token(oldToken)))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> directory.authenticator().authenticate(basic("alice", "alicepw")))
                .isInstanceOf(Unauthenticated.class);
        assertThat(callerOf(directory, "alice", "secondpw").userId()).isEqualTo(second.userId());
    }

    @Test
    void of_sixteen_concurrent_creations_of_one_username_exactly_one_succeeds() throws Exception {
        UserDirectory directory = nodes.start();
        UserDirectory otherNode = nodes.start();
        int count = 16;
        CyclicBarrier barrier = new CyclicBarrier(count);
        List<Future<User>> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                UserDirectory node = i % 2 == 0 ? directory : otherNode;
                int n = i;
                outcomes.add(threads.submit(() -> {
                    barrier.await();
                    return node.create(NewUser.of("Racer " + n, "racer", "racerpw" + n, List.of("OPERATIONS")));
                }));
            }
        }
        int won = 0;
        int lost = 0;
        for (Future<User> outcome : outcomes) {
            try {
                outcome.get();
                won++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(AlreadyExists.class);
                lost++;
            }
        }
        assertThat(won).isEqualTo(1);
        assertThat(lost).isEqualTo(count - 1);
        assertThat(directory.list()).filteredOn(u -> u.username().equals("racer")).hasSize(1);
    }

    @Test
    void deletion_rules_self_unknown_and_blank() {
        UserDirectory directory = nodes.start();
        Caller admin = callerOf(directory, "admin", "changeit");
        assertThatThrownBy(() -> directory.delete(admin.userId(), admin)).isInstanceOf(FailedPrecondition.class);
        assertThatThrownBy(() -> directory.delete("no-such-id", admin)).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> directory.delete(" ", admin)).isInstanceOf(InvalidRequest.class);
    }

    @Test
    void a_password_change_is_only_for_oneself_with_the_current_password() {
        UserDirectory directory = nodes.start();
        Caller admin = callerOf(directory, "admin", "changeit");
        User alice = directory.create(NewUser.of("Alice", "alice", "alicepw", List.of("OPERATIONS")));
        Caller aliceCaller = callerOf(directory, "alice", "alicepw");
        assertThatThrownBy(() -> directory.changePassword(alice.userId(), "alicepw", "newpassword", admin))
                .isInstanceOf(PermissionDenied.class);
        assertThatThrownBy(() -> directory.changePassword(alice.userId(), "wrong-pw", "newpassword", aliceCaller))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> directory.changePassword(alice.userId(), "alicepw", "short", aliceCaller))
                .isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> directory.changePassword("", "alicepw", "newpassword", aliceCaller))
                .isInstanceOf(InvalidRequest.class);
    }

    @Test
    void a_password_change_revokes_old_credentials_at_once_here_and_after_a_refresh_elsewhere() {
        UserDirectory here = nodes.start();
        UserDirectory there = nodes.start();
        here.create(NewUser.of("Alice", "alice", "alicepw", List.of("OPERATIONS")));
        Authentication before = here.authenticator().authenticate(basic("alice", "alicepw"));
        there.refresh();
        there.authenticator().authenticate(basic("alice", "alicepw"));
        there.authenticator().authenticate(Credentials.token(before.token()));

        Authentication after = here.changePassword(before.caller().userId(), "alicepw", "alicepw2", before.caller());

        assertThatThrownBy(() -> here.authenticator().authenticate(Credentials.token(before.token())))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> here.authenticator().authenticate(basic("alice", "alicepw")))
                .isInstanceOf(Unauthenticated.class);
        assertThat(here.authenticator().authenticate(Credentials.token(after.token())).caller().userId())
                .isEqualTo(before.caller().userId());
        there.refresh();
        assertThatThrownBy(() -> there.authenticator().authenticate(Credentials.token(before.token())))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> there.authenticator().authenticate(basic("alice", "alicepw")))
                .isInstanceOf(Unauthenticated.class);
        there.authenticator().authenticate(Credentials.token(after.token()));
        there.authenticator().authenticate(basic("alice", "alicepw2"));
    }

    @Test
    void a_token_in_repeated_use_stops_working_at_once_when_its_user_changes_password_or_is_deleted() {
        UserDirectory directory = nodes.start();
        Caller admin = callerOf(directory, "admin", "changeit");
        User carol = directory.create(NewUser.of("Carol", "carol", "carolpw", List.of("OPERATIONS")));
        User dave = directory.create(NewUser.of("Dave", "dave", "davepass", List.of("OPERATIONS")));
        Authentication carolAuth = directory.authenticator().authenticate(basic("carol", "carolpw"));
        String daveToken = directory.authenticator().authenticate(basic("dave", "davepass")).token();
        for (int i = 0; i < 3; i++) {
            directory.authenticator().authenticate(Credentials.token(carolAuth.token()));
            directory.authenticator().authenticate(Credentials.token(daveToken));
        }

        directory.changePassword(carol.userId(), "carolpw", "carolpw2", carolAuth.caller());
        directory.delete(dave.userId(), admin);

        assertThatThrownBy(() -> directory.authenticator().authenticate(Credentials.token(carolAuth.token())))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> directory.authenticator().authenticate(Credentials.token(daveToken)))
                .isInstanceOf(Unauthenticated.class);
    }

    @Test
    void another_node_notices_a_deletion_by_itself_within_its_refresh_interval() throws Exception {
        UserDirectory here = nodes.start();
        UserDirectory there = nodes.start(Duration.ofMillis(200), java.time.InstantSource.system());
        Caller admin = callerOf(here, "admin", "changeit");
        User bob = here.create(NewUser.of("Bob", "bob", "bobpass", List.of("OPERATIONS")));
        String token = there.authenticator().authenticate(basic("bob", "bobpass")).token();
        here.delete(bob.userId(), admin);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean revoked = false;
        while (!revoked && System.nanoTime() < deadline) {
            try {
                there.authenticator().authenticate(Credentials.token(token));
                Thread.sleep(50);
            } catch (Unauthenticated e) {
                revoked = true;
            }
        }
        assertThat(revoked).as("the token stops working on the other node").isTrue();
        assertThatThrownBy(() -> there.authenticator().authenticate(basic("bob", "bobpass")))
                .isInstanceOf(Unauthenticated.class);
    }

    @Test
    void tokens_survive_a_restart_because_the_secret_is_in_the_database() {
        UserDirectory first = nodes.start();
        String token = first.authenticator().authenticate(basic("admin", "changeit")).token();
        first.close();
        assertThat(nodes.start().authenticator().authenticate(Credentials.token(token)).caller().username())
                .isEqualTo("admin");
    }

    @Test
    void repeated_failures_lock_the_username_but_not_credentials_that_verified_before() {
        TestClock clock = new TestClock();
        UserDirectory directory = nodes.start(Duration.ofHours(1), clock);
        directory.create(NewUser.of("Carol", "carol", "carolpw", List.of("OPERATIONS")));
        directory.create(NewUser.of("Dave", "dave", "davepass", List.of("OPERATIONS")));
        Authenticator authenticator = directory.authenticator();
        authenticator.authenticate(basic("carol", "carolpw"));
        for (int i = 0; i < LoginThrottle.FREE_ATTEMPTS; i++) {
            assertThatThrownBy(() -> authenticator.authenticate(basic("dave", "guess"))).isInstanceOf(Unauthenticated.class);
            assertThatThrownBy(() -> authenticator.authenticate(basic("carol", "guess"))).isInstanceOf(Unauthenticated.class);
        }
        long checks = authenticator.passwordChecks();
        assertThatThrownBy(() -> authenticator.authenticate(basic("dave", "davepass")))
                .as("the right password is refused while the username is locked").isInstanceOf(Unauthenticated.class);
        assertThat(authenticator.passwordChecks()).as("a locked username costs no bcrypt check").isEqualTo(checks);
        assertThat(authenticator.authenticate(basic("carol", "carolpw")).caller().username())
                .as("a cached credential still works").isEqualTo("carol");
        assertThat(directory.validate("dave", "davepass")).isEmpty();
        clock.advance(LoginThrottle.FIRST_DELAY);
        assertThat(authenticator.authenticate(basic("dave", "davepass")).caller().username()).isEqualTo("dave");
    }

    @Test
    void validate_answers_the_user_or_nothing_and_never_fails() {
        UserDirectory directory = nodes.start();
        assertThat(directory.validate("admin", "changeit")).map(User::username).contains("admin");
        assertThat(directory.validate("admin", "nope-nope")).isEmpty();
        assertThat(directory.validate("nobody", "changeit")).isEmpty();
        assertThat(directory.validate("", "")).isEmpty();
    }

    @Test
    void usernames_made_of_sql_and_json_metacharacters_are_stored_verbatim_and_harmless() throws Exception {
        UserDirectory directory = nodes.start();
        List<String> names = List.of("x'); DROP TABLE admin.orisun_admin_orisun_users; --", "admin' OR '1'='1",
                "\"}], \"roles\" [\"ADMIN\"], {\"x\" \"", "\\u0000 ünicode \\", "$UserCreated");
        for (String name : names) {
            directory.create(NewUser.of(name, name, "password", List.of("OPERATIONS")));
        }
        assertThat(directory.list()).extracting(User::username).containsAll(names);
        for (String name : names) {
            Caller caller = callerOf(directory, name, "password");
            assertThat(caller.username()).isEqualTo(name);
            assertThat(caller.roles()).containsExactly(Role.OPERATIONS);
        }
        UserDirectory otherNode = nodes.start();
        assertThat(otherNode.list()).extracting(User::username).containsAll(names);
        try (Connection connection = nodes.database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM admin.orisun_admin_orisun_users")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(names.size() + 1);
        }
    }

    @Test
    void forged_and_malformed_user_events_in_the_log_are_ignored_and_do_not_stop_the_projection() {
        UserDirectory directory = nodes.start();
        PgEventLog log = nodes.log();
        String forged = "{\"user_id\":\"evil\",\"username\":\"mallory\",\"name\":\"M\",\"roles\":[\"ADMIN\"],"
                + "\"password_hash\":\"" + new PasswordHasher().hash("mallorypw") + "\",\"credential_version\":1,"
                + "\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\"}";
        log.save(new SaveRequest("orisun_admin", AppendCondition.none(), List.of(
                new EventToSave("forged-1", UserEvent.CREATED, forged, "{}"),
                new EventToSave("forged-2", UserEvent.DELETED, "{\"note\": 1}", "{}"))));
        directory.create(NewUser.of("Erin", "erin", "erinpass", List.of("OPERATIONS")));

        UserDirectory otherNode = nodes.start();
        assertThat(otherNode.list()).extracting(User::username).containsExactlyInAnyOrder("admin", "erin");
        assertThatThrownBy(() -> otherNode.authenticator().authenticate(basic("mallory", "mallorypw")))
                .isInstanceOf(Unauthenticated.class);
        assertThat(callerOf(otherNode, "erin", "erinpass").roles()).isEqualTo(Set.of(Role.OPERATIONS));
    }
}
