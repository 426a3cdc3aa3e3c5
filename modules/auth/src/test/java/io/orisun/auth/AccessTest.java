package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTest {

    @Test
    void admin_only_needs_the_admin_role() {
        assertThat(Access.ADMIN_ONLY.grantedTo(Set.of(Role.ADMIN))).isTrue();
        assertThat(Access.ADMIN_ONLY.grantedTo(Set.of(Role.OPERATIONS))).isFalse();
        assertThat(Access.ADMIN_ONLY.grantedTo(Set.of())).isFalse();
    }

    @Test
    void admin_or_operations_takes_either_role() {
        assertThat(Access.ADMIN_OR_OPERATIONS.grantedTo(Set.of(Role.ADMIN))).isTrue();
        assertThat(Access.ADMIN_OR_OPERATIONS.grantedTo(Set.of(Role.OPERATIONS))).isTrue();
        assertThat(Access.ADMIN_OR_OPERATIONS.grantedTo(Set.of())).isFalse();
    }

    @Test
    void authenticated_takes_any_user() {
        assertThat(Access.AUTHENTICATED.grantedTo(Set.of())).isTrue();
        assertThat(new Caller("id", "u", Set.of(Role.OPERATIONS)).may(Access.AUTHENTICATED)).isTrue();
    }
}
