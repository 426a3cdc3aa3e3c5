package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void pads_the_data_to_exactly_the_requested_size() {
        String data = new Payload(256).data("w-0123abcd-write-conditional-1-3-17");

        assertThat(data.getBytes(StandardCharsets.UTF_8)).hasSize(256);
        assertThat(data).startsWith("{\"benchmark_context\":\"w-0123abcd-write-conditional-1-3-17\",\"pad\":\"x")
                .endsWith("x\"}");
    }

    @Test
    void leaves_out_the_padding_when_the_context_alone_is_larger() {
        assertThat(new Payload(10).data("tag-42")).isEqualTo("{\"benchmark_context\":\"tag-42\"}");
    }
}
