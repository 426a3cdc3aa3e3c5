package io.orisun.server;

import io.orisun.server.web.Dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.orisun.proto.EventToSave;
import io.orisun.proto.SaveEventsRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin dashboard: its sign-in and JSON endpoints over plain HTTP, and the page itself in headless Chromium
 * driven by Playwright ({@code src/test/dashboard/dashboard.mjs}), which signs in, sees a boundary's event count
 * change after a save and leaves a screenshot in {@code target/dashboard/}. The browser test is skipped, saying
 * why, when {@code /usr/bin/chromium} is missing.
 */
class DashboardIT {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path SCRIPT_DIR = Path.of("src/test/dashboard").toAbsolutePath();

    @SharedServer(environment = "ORISUN_PG_SCHEMAS=dash_a:public,dash_b:public,dash_c:public,orisun_admin:admin")
    private static TestServer node;

    @BeforeAll
    static void createOperator(TestServer server) {
        ClientAuth.createUser(server, "operator", "operator-pw", "OPERATIONS");
    }

    /** One HTTP exchange: the status, the body and the Set-Cookie header, if any. */
    record Answer(int statusCode, String body, Optional<String> setCookie) {
    }

    private static Answer send(String method, String path, Optional<String> cookie, Optional<String> form)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(node.adminUrl(path)).toURL().openConnection();
        try {
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(30_000);
            connection.setRequestMethod(method);
            cookie.ifPresent(c -> connection.setRequestProperty("Cookie", c));
            if (form.isPresent()) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
                connection.getOutputStream().write(form.get().getBytes(StandardCharsets.UTF_8));
            }
            int code = connection.getResponseCode();
            try (InputStream in = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                return new Answer(code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        Optional.ofNullable(connection.getHeaderField("Set-Cookie")));
            }
        } finally {
            connection.disconnect();
        }
    }

    private static Answer login(String username, String password) throws IOException {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return send("POST", "/dashboard/login", Optional.empty(), Optional.of(form));
    }

    private static String sessionCookie(Answer login) {
        assertThat(login.statusCode()).as("sign-in: %s", login.body()).isEqualTo(200);
        String setCookie = login.setCookie().orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "SameSite=Strict");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static Answer get(String path, String cookie) throws IOException {
        return send("GET", path, Optional.of(cookie), Optional.empty());
    }

    private static void save(String boundary, int events) {
        SaveEventsRequest.Builder save = SaveEventsRequest.newBuilder().setBoundary(boundary);
        for (int i = 0; i < events; i++) {
            save.addEvents(EventToSave.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType("Shown")
                    .setData("{\"colour\":\"red\",\"n\":" + i + "}"));
        }
        node.eventStore().saveEvents(save.build());
    }

    @Test
    void the_json_endpoints_refuse_callers_without_a_session_and_wrong_passwords() throws Exception {
        assertThat(send("GET", "/dashboard/api/state", Optional.empty(), Optional.empty()).statusCode()).isEqualTo(401);
        assertThat(get("/dashboard/api/state", Dashboard.COOKIE + "=not-a-token").statusCode()).isEqualTo(401);
        Answer wrong = login("admin", "wrong");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.setCookie()).isEmpty();
        Answer page = send("GET", "/dashboard", Optional.empty(), Optional.empty());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form id=\"login\"").as("nothing loaded from elsewhere")
                .doesNotContain("<script src", "<link", "@import");
    }

    @Test
    void the_root_of_the_admin_port_redirects_to_the_dashboard() throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(node.adminUrl("/")).toURL().openConnection();
        try {
            connection.setInstanceFollowRedirects(false);
            assertThat(connection.getResponseCode()).isEqualTo(303);
            assertThat(connection.getHeaderField("Location")).isEqualTo("/dashboard");
        } finally {
            connection.disconnect();
        }
        Answer followed = send("GET", "/", Optional.empty(), Optional.empty());
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).contains("<form id=\"login\"");
    }

    @Test
    void an_admin_sees_boundaries_counts_indexes_suggestions_and_users() throws Exception {
        save("dash_c", 2);
        // An unindexed read, so that the index advisor has a suggestion to show.
        String cookie = sessionCookie(login("admin", "changeit"));
        ClientAuth.eventually(Duration.ofSeconds(60), () -> {
            node.eventStore().getEvents(io.orisun.proto.GetEventsRequest.newBuilder().setBoundary("dash_c").setCount(1)
                    .setQuery(EventTraffic.query(EventTraffic.criterion("colour", "red"))).build());
            try {
                assertThat(get("/dashboard/api/state", cookie).body()).contains("\"state\":\"SUGGESTED\"");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        Answer state = get("/dashboard/api/state", cookie);
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).contains("\"name\":\"dash_c\"", "\"events\":2", "\"admin\":true",
                "\"username\":\"operator\"", "\"throughput\":[", "\"publisherLagEvents\"");
    }

    @Test
    void an_operations_user_signs_in_but_does_not_see_users() throws Exception {
        String cookie = sessionCookie(login("operator", "operator-pw"));
        Answer state = get("/dashboard/api/state", cookie);
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).contains("\"admin\":false", "\"name\":\"dash_a\"").doesNotContain("\"users\"");
    }

    @Test
    void the_tail_shows_the_newest_events_filtered_by_a_criterion_and_rejects_bad_input() throws Exception {
        save("dash_b", 3);
        String cookie = sessionCookie(login("operator", "operator-pw"));
        Answer tail = get("/dashboard/api/tail?boundary=dash_b&criterion=n%3D2", cookie);
        assertThat(tail.statusCode()).isEqualTo(200);
        assertThat(tail.body()).as("only the event with n = 2").contains("n\\\": 2").doesNotContain("n\\\": 1");
        assertThat(tail.body().split("\"position\"", -1)).hasSize(2);
        assertThat(get("/dashboard/api/tail?boundary=dash_b&criterion=oops", cookie).statusCode()).isEqualTo(400);
        assertThat(get("/dashboard/api/tail?boundary=no_such&criterion=", cookie).statusCode()).isEqualTo(404);
    }

    @Test
    void in_a_real_browser_an_operator_signs_in_and_sees_the_count_change_after_a_save() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM))
                .as("the browser test needs Chromium at %s (apt-get install -y chromium); skipped", CHROMIUM).isTrue();
        if (!Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core"))) {
            Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent")
                    .directory(SCRIPT_DIR.toFile()).inheritIO().start();
            assertThat(install.waitFor(300, TimeUnit.SECONDS)).as("npm install finished").isTrue();
            assertThat(install.exitValue()).as("npm install exit code").isZero();
        }
        Path out = Path.of("target/dashboard").toAbsolutePath();
        Files.createDirectories(out);
        Path screenshot = out.resolve("dashboard.png");
        Files.deleteIfExists(screenshot);
        Path profile = Files.createTempDirectory("orisun-chromium-");
        save("dash_a", 2);
        Process browser = new ProcessBuilder("node", SCRIPT_DIR.resolve("dashboard.mjs").toString(),
                node.adminUrl("/dashboard"), "operator", "operator-pw", "dash_a", screenshot.toString(),
                profile.toString())
                .redirectError(out.resolve("browser.log").toFile())
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(browser.getInputStream(),
                StandardCharsets.UTF_8)); Writer writer = new OutputStreamWriter(browser.getOutputStream(),
                StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("SEEN ")) {
                    save("dash_a", 3);
                    writer.write("saved\n");
                    writer.flush();
                }
            }
        } finally {
            if (!browser.waitFor(180, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        }
        assertThat(browser.exitValue()).as("browser script exit code; output %s, log %s", lines,
                Files.readString(out.resolve("browser.log"))).isZero();
        assertThat(lines).anyMatch(l -> l.startsWith("REJECTED ")).contains("SEEN 2", "CHANGED 5");
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }
}
