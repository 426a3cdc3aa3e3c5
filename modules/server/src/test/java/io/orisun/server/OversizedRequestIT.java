package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventCountRequest;
import io.orisun.proto.SaveEventsRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request above ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE gets a clean status and writes nothing. */
class OversizedRequestIT {

    @Test
    void a_request_above_the_receive_limit_is_refused_with_a_clear_status_and_writes_nothing() {
        try (TestServer node = TestServer.start(Map.of("ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE", "1048576"))) {
            // Above the limit, and below twice it, where the transport itself would give up without an answer.
            String data = "{\"blob\": \"" + "y".repeat(1536 * 1024) + "\"}";
            assertThatThrownBy(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder()
                    .setBoundary("orisun_test_1")
                    .addEvents(EventToSave.newBuilder().setEventId("too-big").setEventType("Big").setData(data))
                    .build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .as("status: %s", e.getStatus())
                            .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INVALID_ARGUMENT));
            assertThat(node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary("orisun_test_1").build())
                    .getCount()).isZero();
        }
    }
}
