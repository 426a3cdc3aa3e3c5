package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.orisun.proto.AdminProto;
import io.orisun.proto.EventStoreProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replays every {@code grpcurl -d '...' localhost:5005 orisun.X/Y} command of the README, in order, against a
 * fresh node: the JSON bodies are parsed exactly as grpcurl parses them (proto3 JSON) and must all succeed.
 */
class ReadmeExamplesIT {

    private static final Pattern COMMAND = Pattern.compile(
            "grpcurl[^\\n]*?-d '(?<json>[^']*)'[\\s\\\\]*localhost:5005 (?<service>orisun\\.\\w+)/(?<method>\\w+)");

    record Example(String service, String method, String json) {
    }

    static List<Example> examples() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"));
        List<Example> examples = new ArrayList<>();
        Matcher matcher = COMMAND.matcher(readme);
        while (matcher.find()) {
            examples.add(new Example(matcher.group("service"), matcher.group("method"), matcher.group("json")));
        }
        return examples;
    }

    @Test
    void the_readme_grpcurl_examples_work_as_written_in_order() throws Exception {
        List<Example> examples = examples();
        assertThat(examples).as("grpcurl examples found in the README").hasSizeGreaterThanOrEqualTo(8);
        assertThat(examples).extracting(Example::method)
                .contains("SaveEvents", "GetEvents", "GetLatestByCriteria", "CreateIndex");
        try (TestServer node = TestServer.start()) {
            for (Example example : examples) {
                DynamicMessage response = call(node, example);
                assertThat(response).as("%s/%s answered", example.service(), example.method()).isNotNull();
                if (example.method().equals("GetLatestByCriteria") && example.json().contains("acc-1")) {
                    // The README tells readers that this call gives {2, 1} on a fresh boundary.
                    DynamicMessage context = (DynamicMessage) response.getField(
                            response.getDescriptorForType().findFieldByName("context_position"));
                    assertThat(JsonFormat.printer().omittingInsignificantWhitespace().print(context))
                            .isEqualTo("{\"transactionId\":\"2\",\"globalId\":\"1\"}");
                }
            }
        }
    }

    private static DynamicMessage call(TestServer node, Example example) throws Exception {
        Descriptors.ServiceDescriptor service = example.service().equals("orisun.Admin")
                ? AdminProto.getDescriptor().findServiceByName("Admin")
                : EventStoreProto.getDescriptor().findServiceByName("EventStore");
        Descriptors.MethodDescriptor method = service.findMethodByName(example.method());
        assertThat(method).as("method %s of %s", example.method(), example.service()).isNotNull();
        DynamicMessage.Builder request = DynamicMessage.newBuilder(method.getInputType());
        JsonFormat.parser().merge(example.json(), request);
        if (method.isServerStreaming()) {
            // A streaming example never ends by itself; its body must parse, and subscriptions have their own tests.
            return request.build();
        }
        MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod = MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service.getFullName(), method.getName()))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
                .build();
        io.grpc.Channel channel = io.grpc.ClientInterceptors.intercept(node.channel(), TestServer.basicAuth("admin", "changeit"));
        return ClientCalls.blockingUnaryCall(channel, grpcMethod,
                CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), request.build());
    }
}
