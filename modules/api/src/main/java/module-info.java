/**
 * The vocabulary of Orisun-J: positions, queries, events, the requests and results of the event log, the ports
 * that the core modules implement, the one sealed exception hierarchy, and the SQL conventions every module that
 * talks to PostgreSQL shares (the SQLSTATE classification and the advisory lock). It depends on nothing but the
 * JDK ({@code java.base} and {@code java.sql}), so every other module can share these types without sharing an
 * implementation.
 */
module io.orisun.api {
    requires transitive java.sql;

    exports io.orisun.api;
}
