package io.orisun.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final TestClock clock = new TestClock();
    private final LoginThrottle throttle = new LoginThrottle(100, clock);
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(LoginThrottle.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        logger.removeHandler(capture);
    }

    private void fail(String username, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(username);
        }
    }

    @Test
    void the_first_four_failures_cost_nothing() {
        fail("alice", 4);
        assertThat(throttle.allows("alice")).isTrue();
    }

    @Test
    void the_fifth_failure_locks_the_username_for_a_second_and_only_that_username() {
        fail("alice", 5);
        assertThat(throttle.allows("alice")).isFalse();
        assertThat(throttle.allows("bob")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.allows("alice")).isTrue();
    }

    @Test
    void each_further_failure_doubles_the_lock_up_to_the_maximum() {
        assertThat(LoginThrottle.delay(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(LoginThrottle.delay(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(LoginThrottle.delay(9)).isEqualTo(Duration.ofSeconds(16));
        assertThat(LoginThrottle.delay(10)).isEqualTo(LoginThrottle.MAX_DELAY);
        assertThat(LoginThrottle.delay(10_000)).isEqualTo(LoginThrottle.MAX_DELAY);
        fail("alice", 7);
        clock.advance(Duration.ofSeconds(3));
        assertThat(throttle.allows("alice")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.allows("alice")).isTrue();
    }

    @Test
    void a_success_ends_the_episode() {
        fail("alice", 4);
        throttle.succeeded("alice");
        fail("alice", 4);
        assertThat(throttle.allows("alice")).isTrue();
    }

    @Test
    void failures_are_forgotten_after_a_quiet_quarter_hour() {
        fail("alice", 4);
        clock.advance(LoginThrottle.FORGET_AFTER.plusSeconds(1));
        fail("alice", 4);
        assertThat(throttle.allows("alice")).isTrue();
    }

    @Test
    void one_warning_is_logged_per_episode_naming_the_username_safely() {
        fail("eve\nFAKE LOG LINE", 12);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().getLevel()).isEqualTo(java.util.logging.Level.WARNING);
        String message = java.text.MessageFormat.format(warnings.getFirst().getMessage(), warnings.getFirst().getParameters());
        assertThat(message).contains("eve\\u000AFAKE LOG LINE").doesNotContain("\n");
        throttle.succeeded("eve\nFAKE LOG LINE");
        fail("eve\nFAKE LOG LINE", 5);
        assertThat(warnings).hasSize(2);
    }

    @Test
    void a_flood_of_distinct_usernames_stays_bounded() {
        for (int i = 0; i < 10_000; i++) {
            throttle.failed("user" + i);
        }
        assertThat(throttle.tracked()).isLessThanOrEqualTo(100);
    }

    @Test
    void a_locked_username_survives_a_flood_of_fifty_thousand_other_names_and_the_table_never_exceeds_its_cap() {
        int cap = Authenticator.CACHE_SIZE;
        LoginThrottle large = new LoginThrottle(cap, clock);
        for (int i = 0; i < LoginThrottle.FREE_ATTEMPTS + 5; i++) {
            large.failed("alice");
        }
        assertThat(large.allows("alice")).isFalse();
        int maxSeen = 0;
        for (int i = 0; i < 50_000; i++) {
            large.failed("guess" + i);
            maxSeen = Math.max(maxSeen, large.tracked());
            if (i % 1_000 == 0) {
                clock.advance(Duration.ofMillis(100));
            }
        }
        assertThat(maxSeen).as("entries tracked at any time").isLessThanOrEqualTo(cap);
        assertThat(large.tracks("alice")).isTrue();
        assertThat(large.allows("alice")).as("the target is still locked after the flood").isFalse();
        assertThat(large.allows("guess49999")).isTrue();
    }

    @Test
    void the_oldest_unlocked_entries_are_dropped_first_to_make_room() {
        LoginThrottle small = new LoginThrottle(10, clock);
        small.failed("oldest");
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 9; i++) {
            small.failed("newer" + i);
        }
        clock.advance(Duration.ofSeconds(1));
        small.failed("newest");
        assertThat(small.tracks("oldest")).isFalse();
        assertThat(small.tracks("newest")).isTrue();
        assertThat(small.tracked()).isEqualTo(10);
    }

    @Test
    void when_every_tracked_name_is_locked_other_names_share_one_throttled_entry_and_no_lock_is_forgotten() {
        LoginThrottle small = new LoginThrottle(100, clock);
        for (int i = 0; i < 100; i++) {
            for (int f = 0; f < LoginThrottle.FREE_ATTEMPTS; f++) {
                small.failed("victim" + i);
            }
        }
        for (int i = 0; i < 10_000; i++) {
            small.failed("attacker" + i);
            assertThat(small.tracked()).isLessThanOrEqualTo(100);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(small.allows("victim" + i)).as("victim%d is still locked", i).isFalse();
        }
        assertThat(small.tracks("attacker0")).isFalse();
        assertThat(small.allows("someone-new"))
                .as("names outside the full table are throttled together once they failed too often").isFalse();
        assertThat(warnings).extracting(LogRecord::getMessage).anyMatch(m -> m.contains("tracked usernames are locked"));
        clock.advance(LoginThrottle.MAX_DELAY);
        assertThat(small.allows("someone-new")).isTrue();
        small.failed("someone-new");
        assertThat(small.tracks("someone-new")).as("once locks expire, names are tracked on their own again").isTrue();
        assertThat(small.tracked()).isLessThanOrEqualTo(100);
    }
}
