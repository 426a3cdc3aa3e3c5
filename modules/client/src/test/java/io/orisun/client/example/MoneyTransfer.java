package io.orisun.client.example;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.orisun.client.Criterion;
import io.orisun.client.DecideResult;
import io.orisun.client.Event;
import io.orisun.client.EventToSave;
import io.orisun.client.JsonCodec;
import io.orisun.client.OrisunClient;
import io.orisun.client.Query;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Opens two accounts and moves money between them, each step one check-decide-record call. */
public final class MoneyTransfer {

    public static final String BOUNDARY = "orisun_test_2";

    /** The data of every ledger event, stored as {"account_id": ..., "amount": ..., "transfer_id": ...}. */
    public record Entry(String accountId, long amount, String transferId) {
    }

    public static final JsonCodec<Entry> JSON = new JsonCodec<>() {
        private final ObjectMapper mapper = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

        @Override
        public String encode(Entry entry) {
            try {
                return mapper.writeValueAsString(entry);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public Entry decode(String json) {
            try {
                return mapper.readValue(json, Entry.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }
    };

    private MoneyTransfer() {
    }

    /** The context of a decision: every event of these accounts. */
    public static Query accounts(String... accountIds) {
        return new Query(Arrays.stream(accountIds).map(id -> Criterion.of("account_id", id)).toList());
    }

    /** The balance of {@code account} after {@code events}. */
    public static long balance(List<Event> events, String account) {
        long balance = 0;
        for (Event event : events) {
            Entry entry = event.decode(JSON);
            if (account.equals(entry.accountId())) {
                balance += switch (event.eventType()) {
                    case "AccountOpened", "MoneyCredited" -> entry.amount();
                    case "MoneyDebited" -> -entry.amount();
                    default -> 0;
                };
            }
        }
        return balance;
    }

    /** Opens {@code account} with {@code amount}, unless it exists; whether this call opened it. */
    public static boolean open(OrisunClient client, String account, long amount) {
        DecideResult result = client.decide(BOUNDARY, accounts(account), (events, position) -> events.isEmpty()
                ? List.of(EventToSave.encode("open-" + account, "AccountOpened", new Entry(account, amount, null), JSON))
                : List.of());
        return !result.recorded().isEmpty();
    }

    /** Moves {@code amount} from {@code from} to {@code to} once; whether this call recorded it. */
    public static boolean transfer(OrisunClient client, String transferId, String from, String to, long amount) {
        DecideResult result = client.decide(BOUNDARY, accounts(from, to), (events, position) -> {
            boolean done = events.stream().anyMatch(e -> transferId.equals(e.decode(JSON).transferId()));
            if (done || balance(events, from) < amount) {
                return List.of();
            }
            return List.of(
                    EventToSave.encode(transferId + "-debit", "MoneyDebited", new Entry(from, amount, transferId), JSON),
                    EventToSave.encode(transferId + "-credit", "MoneyCredited", new Entry(to, amount, transferId), JSON));
        });
        return !result.recorded().isEmpty();
    }

    public static void main(String[] args) {
        String target = args.length > 0 ? args[0] : "localhost:5005";
        try (OrisunClient client = OrisunClient.builder().targets(target).credentials("admin", "changeit").build()) {
            open(client, "acc-1", 100);
            open(client, "acc-2", 0);
            boolean moved = transfer(client, "transfer-" + UUID.randomUUID(), "acc-1", "acc-2", 30);
            List<Event> events = client.read(BOUNDARY, accounts("acc-1", "acc-2"));
            System.out.printf("transfer %s: acc-1 has %d, acc-2 has %d%n", moved ? "recorded" : "refused",
                    balance(events, "acc-1"), balance(events, "acc-2"));
        }
    }
}
