package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.Position;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserEventTest {

    private static final Instant AT = Instant.parse("2026-03-01T10:00:00.123456Z");
    private final HashSeal seal = new HashSeal(key());

    private static byte[] key() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        return key;
    }

    private static Event stored(EventToSave event) {
        return new Event(event.eventId(), event.eventType(), event.data(), event.metadata(), new Position(1, 0), AT);
    }

    @Test
    void a_creation_reads_back_with_its_hash_unsealed() {
        UserEvent.Created created = new UserEvent.Created("id-1", "alice", "Alice \"A\"", Set.of(Role.ADMIN, Role.OPERATIONS),
                "$2a$10$hash", 1, AT);
        EventToSave event = created.toEvent(seal);
        assertThat(event.eventType()).isEqualTo("$UserCreated");
        assertThat(event.data()).contains("\"username\":\"alice\"").doesNotContain("$2a$10$hash");
        assertThat(UserEvent.from(stored(event), seal)).isEqualTo(created);
    }

    @Test
    void events_are_written_in_the_json_form_that_earlier_versions_stored() {
        UserEvent.Created created = new UserEvent.Created("id-1", "alice", "Alice \"A\"", Set.of(Role.OPERATIONS, Role.ADMIN),
                "$2a$10$hash", 1, AT);
        String data = created.toEvent(seal).data();
        String sealed = EventJson.parse(data).text("password_hash");
        assertThat(data).isEqualTo("{\"user_id\":\"id-1\",\"username\":\"alice\",\"name\":\"Alice \\\"A\\\"\","
                + "\"roles\":[\"ADMIN\",\"OPERATIONS\"],\"password_hash\":\"" + sealed + "\",\"credential_version\":1,"
                + "\"created_at\":\"2026-03-01T10:00:00.123456Z\",\"updated_at\":\"2026-03-01T10:00:00.123456Z\"}");
        assertThat(new UserEvent.Deleted("id-1", "alice", AT).toEvent(seal).data())
                .isEqualTo("{\"user_id\":\"id-1\",\"username\":\"alice\",\"deleted_at\":\"2026-03-01T10:00:00.123456Z\"}");
    }

    @Test
    void a_creation_stored_by_an_earlier_version_and_returned_as_jsonb_reads_back() {
        String sealed = EventJson.parse(new UserEvent.Created("id-1", "alice", "Alice", Set.of(Role.ADMIN), "$2a$10$hash",
                1, AT).toEvent(seal).data()).text("password_hash");
        // PostgreSQL's jsonb output: keys ordered by length then bytes, a space after each colon and comma.
        String jsonb = "{\"name\": \"Alice\", \"roles\": [\"ADMIN\"], \"user_id\": \"id-1\", \"username\": \"alice\","
                + " \"created_at\": \"2026-03-01T10:00:00.123456Z\", \"updated_at\": \"2026-03-01T10:00:00.123456Z\","
                + " \"password_hash\": \"" + sealed + "\", \"credential_version\": 1}";
        Event event = new Event("e", "$UserCreated", jsonb, "{}", new Position(1, 0), AT);
        assertThat(UserEvent.from(event, seal)).isEqualTo(new UserEvent.Created("id-1", "alice", "Alice", Set.of(Role.ADMIN),
                "$2a$10$hash", 1, AT));
    }

    @Test
    void a_password_change_and_a_deletion_read_back() {
        UserEvent.PasswordChanged changed = new UserEvent.PasswordChanged("id-1", "alice", "$2a$10$new", 2, AT);
        UserEvent.Deleted deleted = new UserEvent.Deleted("id-1", "alice", AT);
        assertThat(UserEvent.from(stored(changed.toEvent(seal)), seal)).isEqualTo(changed);
        assertThat(UserEvent.from(stored(deleted.toEvent(seal)), seal)).isEqualTo(deleted);
        assertThat(UserEvent.credentialVersionAfter(changed)).isEqualTo(2);
        assertThat(UserEvent.credentialVersionAfter(deleted)).isZero();
    }

    @Test
    void a_forged_creation_with_a_hash_sealed_for_another_user_is_refused() {
        EventToSave genuine = new UserEvent.Created("id-1", "alice", "Alice", Set.of(Role.OPERATIONS), "$2a$10$hash", 1, AT)
                .toEvent(seal);
        String forged = genuine.data().replace("id-1", "id-2").replace("OPERATIONS", "ADMIN");
        Event event = new Event("e", "$UserCreated", forged, "{}", new Position(1, 0), AT);
        assertThatThrownBy(() -> UserEvent.from(event, seal)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_creation_with_a_plain_hash_or_missing_fields_is_refused() {
        Event plain = new Event("e", "$UserCreated", "{\"user_id\":\"x\",\"username\":\"eve\",\"name\":\"Eve\","
                + "\"roles\":[\"ADMIN\"],\"password_hash\":\"$2a$10$hash\",\"credential_version\":1,"
                + "\"created_at\":\"2026-03-01T10:00:00Z\"}", "{}", new Position(1, 0), AT);
        assertThatThrownBy(() -> UserEvent.from(plain, seal)).isInstanceOf(IllegalArgumentException.class);
        Event missing = new Event("e", "$UserDeleted", "{\"user_id\":\"x\"}", "{}", new Position(1, 0), AT);
        assertThatThrownBy(() -> UserEvent.from(missing, seal)).isInstanceOf(IllegalArgumentException.class);
        Event badRole = new Event("e", "$UserCreated", plain.data().replace("ADMIN", "ROOT"), "{}", new Position(1, 0), AT);
        assertThatThrownBy(() -> UserEvent.from(badRole, seal)).isInstanceOf(IllegalArgumentException.class);
        Event malformed = new Event("e", "$UserDeleted", "{\"user_id\":", "{}", new Position(1, 0), AT);
        assertThatThrownBy(() -> UserEvent.from(malformed, seal)).isInstanceOf(IllegalArgumentException.class);
    }
}
