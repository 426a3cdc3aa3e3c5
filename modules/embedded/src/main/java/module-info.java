/**
 * The child processes of the embedded defaults: a PostgreSQL 17 and a nats-server with JetStream, each under a
 * directory it is given, started when the server has no external ones, supervised while it runs and stopped with
 * it, and the clean-up of such processes a crashed predecessor left behind. It takes plain settings (ports,
 * directories, the nats-server's users, routes and TLS files, already checked by the caller) and knows nothing of
 * gRPC or of the rest of Orisun-J. Its one edge to {@code api} is {@code BoundarySpec.quote}, the single way an
 * identifier is quoted in SQL.
 */
module io.orisun.embedded {
    requires io.orisun.api;
    requires java.sql;
    requires embedded.postgres;

    exports io.orisun.embedded;
}
