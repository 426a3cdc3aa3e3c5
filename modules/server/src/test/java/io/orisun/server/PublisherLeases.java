package io.orisun.server;

import io.orisun.testsupport.PostgresFixture;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Who holds a boundary's publisher lease, asked of PostgreSQL itself rather than of the nodes. */
final class PublisherLeases {

    private static final String HOLDERS = """
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE ?""";

    private PublisherLeases() {
    }

    /**
     * The node ids whose publisher sessions hold a granted advisory lock for {@code boundary} in {@code database}
     * (a publisher session is named {@code orisun-publisher <node> <boundary>}).
     */
    static List<String> holders(PostgresFixture.Database database, String boundary) {
        try (var connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(HOLDERS)) {
            statement.setString(1, "orisun-publisher % " + boundary);
            List<String> holders = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    holders.add(rows.getString(1).split(" ")[1]);
                }
            }
            return holders;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
