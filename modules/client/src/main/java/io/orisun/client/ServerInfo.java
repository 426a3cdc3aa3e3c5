package io.orisun.client;

/** What a server says about itself: its version, build and the id of the node that answered. */
public record ServerInfo(String version, String gitCommit, String nodeId) {
}
