package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.InvalidRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NewUserTest {

    @Test
    void trims_the_name_and_username_and_reads_roles_in_any_case() {
        NewUser user = NewUser.of("  Alice  ", "  alice ", "secret1", List.of("admin", " Operations", "ADMIN"));
        assertThat(user.name()).isEqualTo("Alice");
        assertThat(user.username()).isEqualTo("alice");
        assertThat(user.roles()).containsExactlyInAnyOrder(Role.ADMIN, Role.OPERATIONS);
    }

    @Test
    void requires_a_name() {
        assertThatThrownBy(() -> NewUser.of("  ", "alice", "secret1", List.of("ADMIN")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("name is required");
    }

    @Test
    void requires_a_username_of_at_least_three_characters_after_trimming() {
        assertThatThrownBy(() -> NewUser.of("Al", "  al  ", "secret1", List.of("ADMIN")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("at least 3");
    }

    @Test
    void refuses_a_username_that_basic_authentication_could_not_carry() {
        assertThatThrownBy(() -> NewUser.of("A", "ali:ce", "secret1", List.of("ADMIN")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> NewUser.of("A", "ali\nce", "secret1", List.of("ADMIN")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("control");
    }

    @Test
    void requires_a_password_of_six_characters_that_bcrypt_reads_whole() {
        assertThatThrownBy(() -> NewUser.of("A", "alice", "12345", List.of("ADMIN")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("at least 6");
        assertThatThrownBy(() -> NewUser.of("A", "alice", "x".repeat(72), List.of("ADMIN")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("at most 71 bytes");
        assertThat(NewUser.of("A", "alice", "x".repeat(71), List.of("ADMIN")).password()).hasSize(71);
    }

    @Test
    void requires_at_least_one_known_role() {
        assertThatThrownBy(() -> NewUser.of("A", "alice", "secret1", List.of()))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("at least one role");
        assertThatThrownBy(() -> NewUser.of("A", "alice", "secret1", List.of("ADMIN", "ROOT")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("unknown role 'ROOT'");
    }

    @Test
    void never_shows_the_password() {
        NewUser user = new NewUser("A", "alice", "hunter22", Set.of(Role.OPERATIONS));
        assertThat(user).asString().doesNotContain("hunter22");
        assertThatThrownBy(() -> NewUser.of("A", "alice", "hunt", List.of("ADMIN")))
                .hasMessageNotContaining("hunt");
    }
}
