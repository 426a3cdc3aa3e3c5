package io.orisun.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.http2.Http2Config;
import org.junit.jupiter.api.Test;

/** The HTTP/2 settings of the gRPC listener keep Helidon off the paths that fail under many concurrent streams. */
class GrpcHttp2Test {

    @Test
    void the_largest_client_frame_is_over_a_quarter_of_the_receive_window_so_helidon_gives_the_window_back_frame_by_frame() {
        Http2Config settings = GrpcHttp2.settings(1024);
        // Helidon 4.5 (WindowSizeImpl.Strategy.Type.select) gives the window back in halves, through a total every
        // stream's thread adds to without a lock, when four frames fit in it; frame by frame otherwise.
        assertThat(settings.maxFrameSize() * 4L).isGreaterThan(settings.initialWindowSize());
        assertThat(settings.initialWindowSize()).isEqualTo(GrpcHttp2.RECEIVE_WINDOW);
    }

    @Test
    void the_rapid_reset_limit_is_the_stream_limit() {
        Http2Config settings = GrpcHttp2.settings(512);
        assertThat(settings.maxConcurrentStreams()).isEqualTo(512);
        assertThat(settings.maxRapidResets()).isEqualTo(512);
    }
}
