package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The profiling endpoints: served only when enabled, only to ADMIN users, and answering real dumps. */
class ProfilingIT {

    @SharedServer(environment = {"ORISUN_PPROF_ENABLED=true", "ORISUN_PPROF_PORT=0"})
    private static TestServer node;

    @BeforeAll
    static void createWatcher(TestServer server) {
        ClientAuth.createUser(server, "watcher", "watcher-pw", "OPERATIONS");
    }

    record Answer(int code, byte[] body, Optional<String> challenge) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Answer get(String path, Optional<String> user, String password) throws IOException {
        String url = "http://127.0.0.1:" + node.server().pprofPort().orElseThrow() + path;
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            connection.setReadTimeout(60_000);
            user.ifPresent(u -> connection.setRequestProperty("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((u + ":" + password).getBytes(StandardCharsets.UTF_8))));
            int code = connection.getResponseCode();
            try (InputStream in = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                return new Answer(code, in == null ? new byte[0] : in.readAllBytes(),
                        Optional.ofNullable(connection.getHeaderField("WWW-Authenticate")));
            }
        } finally {
            connection.disconnect();
        }
    }

    @Test
    void callers_without_admin_credentials_are_refused() throws IOException {
        Answer anonymous = get("/debug/threads", Optional.empty(), "");
        assertThat(anonymous.code()).isEqualTo(401);
        assertThat(anonymous.challenge()).hasValueSatisfying(c -> assertThat(c).startsWith("Basic"));
        assertThat(get("/debug/threads", Optional.of("admin"), "wrong").code()).isEqualTo(401);
        assertThat(get("/debug/jfr?seconds=1", Optional.of("watcher"), "watcher-pw").code())
                .as("an OPERATIONS user").isEqualTo(403);
    }

    @Test
    void an_admin_gets_a_thread_dump_with_the_virtual_threads_of_the_node() throws IOException {
        Answer dump = get("/debug/threads", Optional.of("admin"), "changeit");
        assertThat(dump.code()).isEqualTo(200);
        assertThat(dump.text()).contains("orisun-commit-orisun_admin", "orisun-publisher-orisun_admin");
        Answer json = get("/debug/threads?format=json", Optional.of("admin"), "changeit");
        assertThat(json.text()).startsWith("{").contains("\"threadDump\"");
    }

    @Test
    void an_admin_gets_a_flight_recording_of_the_requested_length() throws IOException {
        assertThat(get("/debug/jfr?seconds=0", Optional.of("admin"), "changeit").code()).isEqualTo(400);
        assertThat(get("/debug/jfr?seconds=x", Optional.of("admin"), "changeit").code()).isEqualTo(400);
        Answer recording = get("/debug/jfr?seconds=1", Optional.of("admin"), "changeit");
        assertThat(recording.code()).isEqualTo(200);
        assertThat(Arrays.copyOf(recording.body(), 4)).as("JFR file magic").isEqualTo(new byte[] {'F', 'L', 'R', 0});
        assertThat(recording.body().length).isGreaterThan(10_000);
    }
}
