package io.orisun.client;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Handles one event of a durable consumer inside the consumer's transaction: writes made through
 * {@code connection} commit together with the consumer's checkpoint, or not at all. The handler must not commit,
 * roll back or close the connection. An exception stops the consumer, with nothing of that event committed.
 */
@FunctionalInterface
public interface EventHandler {

    /** Applies {@code event} through {@code connection}. */
    void handle(Event event, Connection connection) throws SQLException;
}
