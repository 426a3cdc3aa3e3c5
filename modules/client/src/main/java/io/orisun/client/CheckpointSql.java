package io.orisun.client;

/**
 * The statements a {@link DurableConsumer} runs on the application's PostgreSQL database. The checkpoint table
 * holds one row per (boundary, consumer), created on first use.
 */
final class CheckpointSql {

    private CheckpointSql() {
    }

    static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS orisun_consumer_checkpoint (
                boundary       text        NOT NULL,
                consumer_name  text        NOT NULL,
                transaction_id bigint      NOT NULL,
                global_id      bigint      NOT NULL,
                updated_at     timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (boundary, consumer_name)
            )""";

    static final String INSERT_START = """
            INSERT INTO orisun_consumer_checkpoint (boundary, consumer_name, transaction_id, global_id)
            VALUES (?, ?, -1, -1)
            ON CONFLICT (boundary, consumer_name) DO NOTHING""";

    static final String READ = """
            SELECT transaction_id, global_id FROM orisun_consumer_checkpoint
            WHERE boundary = ? AND consumer_name = ?""";

    /** Locks the row, so that two instances of one consumer apply each event once between them. */
    static final String LOCK = READ + " FOR UPDATE";

    static final String ADVANCE = """
            UPDATE orisun_consumer_checkpoint SET transaction_id = ?, global_id = ?, updated_at = now()
            WHERE boundary = ? AND consumer_name = ?""";

    /** SQLSTATEs of a concurrent CREATE TABLE IF NOT EXISTS that lost the race: the table exists. */
    static boolean lostCreateRace(String sqlState) {
        return "23505".equals(sqlState) || "42P07".equals(sqlState);
    }
}
