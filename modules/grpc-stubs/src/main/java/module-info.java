/**
 * The Orisun wire contract as Java: messages and service stubs generated from {@code proto/orisun}. Only the
 * server and clients see these types; the core modules never do.
 */
module io.orisun.proto {
    requires transitive com.google.protobuf;
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires transitive io.grpc.protobuf;
    requires transitive com.google.common;

    exports io.orisun.proto;
}
