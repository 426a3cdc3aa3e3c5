package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamTagsTest {

    @Test
    void stamping_adds_the_stream_fields_in_front_of_the_applications_fields() {
        EventToSave stamped = StreamTags.stamp(EventToSave.of("e1", "ItemAdded", "{ \"item\": \"book\" }"), "cart-1", 4);
        assertThat(stamped.data()).isEqualTo("{\"orisun_stream_id\":\"cart-1\",\"orisun_stream_version\":4,\"item\": \"book\" }");
        assertThat(StreamTags.stamp(EventToSave.of("e2", "Created", "{}"), "cart-1", 0).data())
                .isEqualTo("{\"orisun_stream_id\":\"cart-1\",\"orisun_stream_version\":0}");
    }

    @Test
    void the_version_is_read_back_however_the_server_formats_the_json() {
        Event event = new Event("e1", "ItemAdded", "{\"item\": \"book\", \"orisun_stream_id\": \"cart-1\", "
                + "\"orisun_stream_version\": 17}", "{}", new Position(3, 0), Instant.EPOCH);
        assertThat(StreamTags.version(event)).isEqualTo(17);
    }

    @Test
    void stream_ids_that_would_need_escaping_are_refused() {
        assertThat(StreamTags.validStreamId("order:42/lines@eu")).isEqualTo("order:42/lines@eu");
        assertThatThrownBy(() -> StreamTags.validStreamId("a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamTags.validStreamId("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamTags.validStreamId("x".repeat(201))).isInstanceOf(IllegalArgumentException.class);
    }
}
