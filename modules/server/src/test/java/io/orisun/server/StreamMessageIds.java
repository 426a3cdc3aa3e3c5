package io.orisun.server;

import io.nats.client.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The global ids a message of an event stream carries, read from the formats the publisher documents: a batch
 * message (version byte 1, then entries of kind, transaction id, global id and, for kind 1, four length-prefixed
 * strings and the creation time), or the per-event form of earlier versions, whose headers name its one event.
 */
final class StreamMessageIds {

    private StreamMessageIds() {
    }

    static List<Long> of(Message message) {
        byte[] body = message.getData();
        if (body == null || body.length == 0 || body[0] == '{') {
            return List.of(Long.parseLong(message.getHeaders().getFirst("Orisun-Global-Id")));
        }
        if (body[0] != 1) {
            throw new AssertionError("a stream message of unknown form " + body[0]);
        }
        ByteBuffer in = ByteBuffer.wrap(body, 1, body.length - 1);
        List<Long> ids = new ArrayList<>();
        while (in.hasRemaining()) {
            byte kind = in.get();
            in.getLong();
            ids.add(in.getLong());
            if (kind == 1) {
                for (int field = 0; field < 4; field++) {
                    int length = in.getInt();
                    in.position(in.position() + length);
                }
                in.getLong();
                in.getInt();
            }
        }
        return ids;
    }
}
