/**
 * The Java client of Orisun: typed records for positions, queries and events, the check-decide-record loop as one
 * call, expected-version streams on top of the consistency check, and durable consumers whose checkpoint commits
 * in the same transaction as the projection they feed. It talks gRPC to any Orisun or Orisun-J server and depends
 * on the generated stubs and the gRPC runtime only.
 */
module io.orisun.client {
    requires io.orisun.proto;
    requires transitive io.grpc;
    requires transitive java.sql;
    requires io.grpc.netty.shaded;
    requires io.grpc.util;

    exports io.orisun.client;
}
