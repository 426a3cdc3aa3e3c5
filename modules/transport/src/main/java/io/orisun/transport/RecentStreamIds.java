package io.orisun.transport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent {@value #REMEMBERED} HTTP/2 stream ids added, oldest forgotten first: enough for the streams of
 * one connection whose late frames can still arrive, and bounded however long the connection lives. Safe for use
 * from the connection's reader and writers at once.
 */
final class RecentStreamIds {

    static final int REMEMBERED = 4096;

    private final Map<Integer, Boolean> ids = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Adds {@code streamId}; true when it was not remembered already. */
    synchronized boolean add(int streamId) {
        return ids.put(streamId, Boolean.TRUE) == null;
    }

    synchronized boolean contains(int streamId) {
        return ids.containsKey(streamId);
    }
}
