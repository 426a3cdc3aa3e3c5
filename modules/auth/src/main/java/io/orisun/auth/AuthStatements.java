package io.orisun.auth;

import io.orisun.api.BoundarySpec;

/**
 * The SQL that {@link UserStore} runs, with the table names of one admin boundary filled in. Every value is a bind
 * parameter; the only text put into the statements is the quoted schema and the validated boundary name.
 */
final class AuthStatements {

    final String insertSecret;
    final String selectSecret;
    final String lockCheckpoint;
    final String updateCheckpoint;
    final String insertUser;
    final String changePassword;
    final String deleteUser;
    final String selectById;
    final String selectByUsername;
    final String selectAll;
    final String count;

    AuthStatements(BoundarySpec boundary) {
        String schema = BoundarySpec.quote(boundary.schema());
        String users = schema + "." + BoundarySpec.quote(boundary.name() + "_orisun_users");
        String checkpoint = schema + "." + BoundarySpec.quote(boundary.name() + "_orisun_users_checkpoint");
        String secret = schema + "." + BoundarySpec.quote(boundary.name() + "_orisun_auth_secret");
        String columns = "user_id, username, name, roles, password_hash, credential_version, created_at, updated_at";

        insertSecret = """
                INSERT INTO %s (secret) VALUES (?)
                ON CONFLICT (singleton) DO NOTHING""".formatted(secret);
        selectSecret = """
                SELECT secret FROM %s WHERE singleton""".formatted(secret);
        lockCheckpoint = """
                SELECT transaction_id, global_id FROM %s WHERE singleton FOR UPDATE""".formatted(checkpoint);
        updateCheckpoint = """
                UPDATE %s SET transaction_id = ?, global_id = ?, updated_at = clock_timestamp()
                WHERE singleton""".formatted(checkpoint);
        // A username taken by another id can only come from events written around the consistency check; the first
        // one wins, as it does in the log.
        insertUser = """
                INSERT INTO %s (%s)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""".formatted(users, columns);
        changePassword = """
                UPDATE %s SET password_hash = ?, credential_version = ?, updated_at = ?
                WHERE user_id = ? AND credential_version < ?""".formatted(users);
        deleteUser = """
                DELETE FROM %s WHERE user_id = ?""".formatted(users);
        selectById = """
                SELECT %s FROM %s WHERE user_id = ?""".formatted(columns, users);
        selectByUsername = """
                SELECT %s FROM %s WHERE username = ?""".formatted(columns, users);
        selectAll = """
                SELECT %s FROM %s ORDER BY created_at, username""".formatted(columns, users);
        count = """
                SELECT count(*) FROM %s""".formatted(users);
    }
}
