/**
 * The vocabulary of Orisun-J: positions, queries, events, the requests and results of the event log, the ports
 * that the core modules implement, and the one sealed exception hierarchy. It depends on nothing but
 * {@code java.base}, so every other module can share these types without sharing an implementation.
 */
module io.orisun.api {
    exports io.orisun.api;
}
