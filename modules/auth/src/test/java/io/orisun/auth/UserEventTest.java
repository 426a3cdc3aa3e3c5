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
    }
}
