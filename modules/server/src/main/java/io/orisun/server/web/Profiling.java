package io.orisun.server.web;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.orisun.api.OrisunException;
import io.orisun.auth.Authentication;
import io.orisun.auth.Authenticator;
import io.orisun.auth.Credentials;
import io.orisun.auth.Role;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The profiling endpoints, served on {@code ORISUN_PPROF_PORT} when {@code ORISUN_PPROF_ENABLED=true}, for ADMIN
 * users authenticated with HTTP Basic against the user directory:
 * <ul>
 *   <li>{@code GET /debug/threads}: a dump of every thread, virtual threads included, as text (or JSON with
 *       {@code ?format=json});</li>
 *   <li>{@code GET /debug/jfr?seconds=N}: a Java Flight Recorder recording of the next N seconds (1-300,
 *       default 30) with the JDK's {@code profile} settings, as a {@code .jfr} file for JDK Mission Control or
 *       {@code jfr print}. One recording at a time; a second request meanwhile gets 409.</li>
 * </ul>
 */
public final class Profiling {

    private static final System.Logger LOG = System.getLogger(Profiling.class.getName());
    static final int MAX_SECONDS = 300;
    private static final String REALM = "Basic realm=\"orisun-profiling\", charset=\"UTF-8\"";

    private final Authenticator authenticator;
    private final Semaphore recording = new Semaphore(1);

    public Profiling(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public void register(HttpRouting.Builder http) {
        http.get("/debug/threads", this::threads).get("/debug/jfr", this::jfr);
    }

    private boolean admitted(ServerRequest req, ServerResponse res) {
        Optional<Credentials.Basic> basic = req.headers().first(HeaderNames.AUTHORIZATION).flatMap(Profiling::basic);
        if (basic.isEmpty()) {
            refuse(res, Status.UNAUTHORIZED_401, "ADMIN credentials required (HTTP Basic)");
            return false;
        }
        Authentication authentication;
        try {
            authentication = authenticator.authenticate(basic.get());
        } catch (OrisunException e) {
            refuse(res, Status.UNAUTHORIZED_401, "invalid credentials");
            return false;
        }
        if (!authentication.caller().roles().contains(Role.ADMIN)) {
            refuse(res, Status.FORBIDDEN_403, "profiling needs the ADMIN role");
            return false;
        }
        return true;
    }

    public static Optional<Credentials.Basic> basic(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new Credentials.Basic(decoded.substring(0, colon), decoded.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void refuse(ServerResponse res, Status status, String message) {
        res.status(status);
        if (status == Status.UNAUTHORIZED_401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, REALM);
        }
        res.headers().contentType(MediaTypes.TEXT_PLAIN);
        res.send(message + "\n");
    }

    private void threads(ServerRequest req, ServerResponse res) throws IOException {
        if (!admitted(req, res)) {
            return;
        }
        boolean json = req.query().first("format").orElse("text").equals("json");
        Path dir = Files.createTempDirectory("orisun-threads-");
        Path file = dir.resolve(json ? "threads.json" : "threads.txt");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpThreads(file.toString(),
                    json ? HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON : HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            res.headers().contentType(json ? MediaTypes.APPLICATION_JSON : MediaTypes.TEXT_PLAIN);
            res.send(Files.readAllBytes(file));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private void jfr(ServerRequest req, ServerResponse res) throws Exception {
        if (!admitted(req, res)) {
            return;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(req.query().first("seconds").orElse("30"));
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            refuse(res, Status.BAD_REQUEST_400, "seconds must be 1-" + MAX_SECONDS);
            return;
        }
        if (!recording.tryAcquire()) {
            refuse(res, Status.CONFLICT_409, "a recording is already running");
            return;
        }
        Path dir = Files.createTempDirectory("orisun-jfr-");
        Path file = dir.resolve("orisun.jfr");
        try (Recording jfr = new Recording(Configuration.getConfiguration("profile"))) {
            jfr.setName("orisun-on-demand");
            jfr.start();
            LOG.log(System.Logger.Level.INFO, "JFR recording of {0} s started on request", seconds);
            Thread.sleep(Duration.ofSeconds(seconds));
            jfr.stop();
            jfr.dump(file);
            res.headers().contentType(MediaTypes.APPLICATION_OCTET_STREAM);
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"orisun.jfr\"");
            res.send(Files.readAllBytes(file));
        } finally {
            recording.release();
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
