package io.orisun.publisher;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens dedicated PostgreSQL connections, outside any pool, for what must live in one session: the publisher's
 * lease (a session advisory lock) and its LISTEN. The caller of {@link #open()} owns and closes the connection.
 */
@FunctionalInterface
public interface PgSessions {

    /** A new connection in auto-commit mode. */
    Connection open() throws SQLException;
}
