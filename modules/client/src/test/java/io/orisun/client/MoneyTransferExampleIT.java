package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.client.example.MoneyTransfer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client README's example program runs against a real server and moves the money it says it moves. */
class MoneyTransferExampleIT {

    @Test
    void the_example_moves_30_per_run_until_the_first_account_cannot_pay() {
        try (ClientTestServer server = ClientTestServer.start(); OrisunClient client = server.client().build()) {
            String target = "127.0.0.1:" + server.port();
            for (int run = 0; run < 4; run++) {
                MoneyTransfer.main(new String[] {target});
            }
            List<Event> events = client.read(MoneyTransfer.BOUNDARY, MoneyTransfer.accounts("acc-1", "acc-2"));
            assertThat(MoneyTransfer.balance(events, "acc-1")).as("three transfers of 30 out of 100, the fourth refused")
                    .isEqualTo(10);
            assertThat(MoneyTransfer.balance(events, "acc-2")).isEqualTo(90);
            assertThat(events).extracting(Event::eventType).containsExactly("AccountOpened", "AccountOpened",
                    "MoneyDebited", "MoneyCredited", "MoneyDebited", "MoneyCredited", "MoneyDebited", "MoneyCredited");
        }
    }
}
