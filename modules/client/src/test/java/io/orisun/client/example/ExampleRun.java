package io.orisun.client.example;

import io.orisun.server.config.OrisunConfig;
import io.orisun.server.OrisunServer;
import io.orisun.testsupport.NatsFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@link MoneyTransfer} against a server on its embedded defaults (an embedded PostgreSQL and a nats-server
 * child process, under a temporary data directory, on free ports), then stops the server and removes the data.
 * Started by {@code scripts/run-client-example.sh}.
 */
public final class ExampleRun {

    private ExampleRun() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Files.createTempDirectory("orisun-client-example");
        Map<String, String> env = Map.of(
                "ORISUN_DATA_DIR", data.toString(),
                "ORISUN_GRPC_PORT", "0",
                "ORISUN_ADMIN_PORT", "0",
                "ORISUN_PG_PORT", String.valueOf(NatsFixture.freePort()),
                "ORISUN_NATS_PORT", String.valueOf(NatsFixture.freePort()));
        try (OrisunServer server = OrisunServer.start(OrisunConfig.fromEnv(env))) {
            String target = "127.0.0.1:" + server.grpcPort();
            for (int run = 0; run < 4; run++) {
                MoneyTransfer.main(new String[] {target});
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
