package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseSpreadTest {

    @Test
    void the_fair_share_is_the_boundaries_per_node_rounded_up() {
        assertThat(LeaseSpread.fairShare(3, 3)).isEqualTo(1);
        assertThat(LeaseSpread.fairShare(4, 3)).isEqualTo(2);
        assertThat(LeaseSpread.fairShare(3, 1)).isEqualTo(3);
        assertThat(LeaseSpread.fairShare(2, 0)).as("no node counted yet: this one").isEqualTo(2);
    }

    @Test
    void a_node_waits_one_retry_more_for_every_lease_it_holds() {
        LeaseSpread spread = new LeaseSpread(() -> 3, Duration.ofSeconds(1));
        assertThat(spread.standbyDelay()).isEqualTo(Duration.ofSeconds(1));
        spread.acquired();
        spread.acquired();
        assertThat(spread.standbyDelay()).isEqualTo(Duration.ofSeconds(3));
        spread.released();
        assertThat(spread.standbyDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(spread.yieldHoldOff()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void a_node_never_gives_a_lease_up_while_it_holds_no_more_than_its_share() {
        LeaseSpread spread = new LeaseSpread(() -> 4, Duration.ofNanos(1));
        spread.acquired();
        spread.acquired();
        assertThat(spread.shouldYield(2)).as("two of four boundaries on two nodes").isFalse();
        assertThat(spread.shouldYield(1)).as("the only node").isFalse();
    }

    @Test
    void a_node_above_its_share_gives_up_at_most_one_lease_per_interval() {
        LeaseSpread spread = new LeaseSpread(() -> 3, Duration.ofSeconds(1));
        spread.acquired();
        spread.acquired();
        spread.acquired();
        // The first interval starts when the node does: a node that just started gives nothing up.
        assertThat(spread.shouldYield(3)).isFalse();
    }

    @Test
    void a_yield_is_due_only_once_its_interval_has_passed_and_not_again_until_the_next() throws InterruptedException {
        LeaseSpread spread = new LeaseSpread(() -> 3, Duration.ofMillis(5));
        spread.acquired();
        spread.acquired();
        spread.acquired();
        assertThat(spread.yieldDue()).as("a node that just took a lease").isFalse();

        Thread.sleep(60);

        assertThat(spread.yieldDue()).as("ten retries later").isTrue();
        assertThat(spread.shouldYield(3)).as("three leases against a share of one").isTrue();
        assertThat(spread.yieldDue()).as("right after a yield").isFalse();
    }
}
