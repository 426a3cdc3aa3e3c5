package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.orisun.api.BoundarySpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {

    private static final BoundarySpec ADMIN = new BoundarySpec("orisun_admin", "admin", "");

    @Test
    void the_first_administrator_follows_the_rules_of_users_created_through_the_api() {
        assertThat(AuthSettings.of(ADMIN, " abc ", "123456", Duration.ofSeconds(2)).adminUsername()).isEqualTo(" abc ");
        assertThatIllegalArgumentException().isThrownBy(() -> AuthSettings.of(ADMIN, " ab ", "123456",
                Duration.ofHours(1))).withMessage("admin username needs at least 3 characters");
        assertThatIllegalArgumentException().isThrownBy(() -> AuthSettings.of(ADMIN, "admin", "12345",
                Duration.ofHours(1))).withMessage("admin password needs at least 6 characters");
    }

    @Test
    void sessions_last_at_least_two_seconds_and_the_refresh_interval_is_positive() {
        assertThatIllegalArgumentException().isThrownBy(() -> AuthSettings.of(ADMIN, "admin", "changeit",
                Duration.ofMillis(1999)));
        assertThatIllegalArgumentException().isThrownBy(() -> new AuthSettings(ADMIN, "admin", "changeit",
                Duration.ofHours(1), Duration.ZERO));
    }

    @Test
    void the_password_is_never_printed() {
        assertThat(AuthSettings.of(ADMIN, "admin", "s3cret-pw", Duration.ofHours(1)).toString())
                .doesNotContain("s3cret-pw").contains("adminPassword=****");
        assertThatIllegalArgumentException().isThrownBy(() -> AuthSettings.of(ADMIN, "admin", "12345",
                Duration.ofHours(1))).withMessageNotContaining("12345");
    }
}
