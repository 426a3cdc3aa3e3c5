package io.orisun.client.example;

import io.orisun.client.Criterion;
import io.orisun.client.DurableConsumer;
import io.orisun.client.OrisunClient;
import io.orisun.client.Query;
import io.orisun.client.Tag;
import java.sql.PreparedStatement;
import javax.sql.DataSource;

/** The client README's durable-consumer example: a table of orders, fed exactly once from the OrderPlaced events. */
public final class OrderProjection {

    private static final String INSERT = """
            INSERT INTO orders (order_id, amount)
            SELECT data->>'order_id', (data->>'amount')::int FROM (SELECT ?::jsonb AS data) AS event""";

    private OrderProjection() {
    }

    /** Starts the projection into {@code db}, which has the table {@code orders(order_id text, amount int)}. */
    public static DurableConsumer start(OrisunClient client, DataSource db) {
        DurableConsumer orders = client.consume("orisun_test_1", "orders-table",
                Query.anyOf(Criterion.of(Tag.eventType("OrderPlaced"))), db,
                (event, connection) -> {
                    // Runs inside the consumer's transaction: the row and the checkpoint commit together.
                    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                        insert.setString(1, event.data());
                        insert.executeUpdate();
                    }
                });
        return orders;
    }
}
