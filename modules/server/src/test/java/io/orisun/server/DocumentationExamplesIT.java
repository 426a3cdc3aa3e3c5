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
import io.orisun.testsupport.RestartablePostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replays every {@code grpcurl -d '...' localhost:5005 orisun.X/Y} command of the documentation, page by page in the
 * order of {@link #PAGES} and in order within a page, against one fresh node: the JSON bodies are parsed exactly as
 * grpcurl parses them (proto3 JSON) and must all succeed. A page with such commands that is not in the list fails
 * the test, so an example cannot move out of its reach.
 */
class DocumentationExamplesIT {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    /** The pages with grpcurl examples, in the order a reader meets them; later pages build on earlier ones. */
    static final List<String> PAGES = List.of("README.md", "docs/api.md", "docs/indexes.md",
            "docs/operators/security.md", "docs/operators/releases.md", "docs/operators/moving-a-boundary.md");

    private static final Pattern COMMAND = Pattern.compile(
            "grpcurl[^\\n]*?-d '(?<json>[^']*)'[\\s\\\\]*localhost:5005 (?<service>orisun\\.\\w+)/(?<method>\\w+)");

    record Example(String page, String service, String method, String json) {
    }

    static List<Example> examples(String page) throws IOException {
        String text = Files.readString(ROOT.resolve(page));
        List<Example> examples = new ArrayList<>();
        Matcher matcher = COMMAND.matcher(text);
        while (matcher.find()) {
            examples.add(new Example(page, matcher.group("service"), matcher.group("method"), matcher.group("json")));
        }
        return examples;
    }

    static List<Example> examples() throws IOException {
        List<Example> examples = new ArrayList<>();
        for (String page : PAGES) {
            examples.addAll(examples(page));
        }
        return examples;
    }

    @Test
    void every_page_with_grpcurl_examples_is_replayed() throws IOException {
        List<String> withExamples;
        try (Stream<Path> files = Files.walk(ROOT)) {
            withExamples = files.filter(file -> file.toString().endsWith(".md"))
                    .map(file -> ROOT.relativize(file).toString().replace('\\', '/'))
                    .filter(page -> !DocumentationLinksTest.skipped(page))
                    .filter(page -> {
                        try {
                            return !examples(page).isEmpty();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
        assertThat(PAGES).containsAll(withExamples);
        for (String page : PAGES) {
            assertThat(examples(page)).as("grpcurl examples of %s", page).isNotEmpty();
        }
    }

    @Test
    void the_documented_grpcurl_examples_work_as_written_in_order() throws Exception {
        List<Example> examples = examples();
        assertThat(examples).as("grpcurl examples found in the documentation").hasSizeGreaterThanOrEqualTo(8);
        assertThat(examples(PAGES.getFirst())).as("the README's first save, read and subscription")
                .extracting(Example::method).contains("SaveEvents", "GetEvents", "CatchUpSubscribeToEvents");
        assertThat(examples).extracting(Example::method)
                .contains("SaveEvents", "GetEvents", "GetLatestByCriteria", "CreateIndex");
        // The node has a second PostgreSQL server, named "reports", for the move of the operators' guide.
        try (RestartablePostgres reports = RestartablePostgres.start("orisun_reports");
             TestServer node = TestServer.start(NamedServer.variables("reports", reports, "orisun_reports",
                     Map.of()))) {
            for (Example example : examples) {
                DynamicMessage response = call(node, example);
                assertThat(response).as("%s/%s of %s answered", example.service(), example.method(), example.page())
                        .isNotNull();
                if (example.method().equals("GetLatestByCriteria") && example.json().contains("acc-1")) {
                    // The API guide tells readers that this call gives {2, 1} on a fresh boundary.
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
