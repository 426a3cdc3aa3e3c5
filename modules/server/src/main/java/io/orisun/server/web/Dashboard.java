package io.orisun.server.web;

import io.orisun.server.catalog.BoundaryRegistry;
import io.orisun.server.observe.LiveStreams;
import io.orisun.server.observe.LogSampler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.Tag;
import io.orisun.auth.Authentication;
import io.orisun.auth.Authenticator;
import io.orisun.auth.Credentials;
import io.orisun.auth.Role;
import io.orisun.auth.User;
import io.orisun.auth.UserDirectory;
import io.orisun.index.IndexAdmin;
import io.orisun.index.IndexAdvisor;
import io.orisun.index.IndexDefinition;
import io.orisun.index.IndexEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The operator's web page on the admin port. {@code /dashboard} serves one self-contained HTML page (styles and
 * script inline, nothing fetched from elsewhere) that polls two JSON endpoints: {@code /dashboard/api/state}
 * (boundaries with counts, heads and publisher lag, live subscriptions, indexes and suggestions, users for
 * admins, and write throughput over the last ten minutes) and {@code /dashboard/api/tail} (the newest events of
 * a boundary, optionally filtered by one criterion).
 *
 * <p>Signing in posts a username and password, checked against the same user directory as the gRPC API; the
 * session token it yields goes into an HttpOnly, SameSite=Strict cookie, and every later request is
 * authenticated with it. Users with the ADMIN or OPERATIONS role may sign in; only ADMIN users see users.
 */
public final class Dashboard implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Dashboard.class.getName());
    public static final String COOKIE = "orisun_session";
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(5);
    static final int SAMPLES = 120;
    private static final int TAIL = 25;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String nodeId;
    private final Authenticator authenticator;
    private final UserDirectory users;
    private final BoundaryRegistry boundaries;
    private final EventLog log;
    private final LogSampler sampler;
    private final IndexAdmin indexes;
    private final IndexAdvisor advisor;
    private final LiveStreams streams;
    private final MeterRegistry registry;
    private final BooleanSupplier ready;
    private final String page;
    private final Deque<long[]> throughput = new ArrayDeque<>();
    private final Thread throughputSampler;
    private volatile boolean closed;

    /**
     * The page of node {@code nodeId}, reading the same services as the gRPC API: the user directory, the active
     * boundaries, the event log, the index administration and its advisor; {@code sampler}, {@code streams} and
     * {@code registry} give the figures the metrics give, and {@code ready} the readiness of the node.
     */
    public Dashboard(String nodeId, UserDirectory users, BoundaryRegistry boundaries, EventLog log, LogSampler sampler,
                     IndexAdmin indexes, IndexAdvisor advisor, LiveStreams streams, MeterRegistry registry,
                     BooleanSupplier ready) {
        this.nodeId = nodeId;
        this.authenticator = users.authenticator();
        this.users = users;
        this.boundaries = boundaries;
        this.log = log;
        this.sampler = sampler;
        this.indexes = indexes;
        this.advisor = advisor;
        this.streams = streams;
        this.registry = registry;
        this.ready = ready;
        this.page = resource("dashboard.html");
        sampleThroughput();
        this.throughputSampler = Thread.ofVirtual().name("orisun-dashboard-throughput").start(this::sampleLoop);
    }

    private static String resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(HttpRouting.Builder http) {
        http.get("/dashboard", this::page)
                .post("/dashboard/login", this::login)
                .post("/dashboard/logout", this::logout)
                .get("/dashboard/api/state", this::state)
                .get("/dashboard/api/tail", this::tail);
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.headers().contentType(MediaTypes.TEXT_HTML);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
        res.send(page);
    }

    private void login(ServerRequest req, ServerResponse res) {
        Map<String, String> form = form(req.content().as(String.class));
        Optional<Authentication> signedIn = authenticate(new Credentials.Basic(form.getOrDefault("username", ""),
                form.getOrDefault("password", "")));
        if (signedIn.isEmpty()) {
            json(res, Status.UNAUTHORIZED_401, Map.of("error", "invalid credentials, or a user without a role"));
            return;
        }
        res.header(HeaderNames.SET_COOKIE, COOKIE + "=" + signedIn.get().token()
                + "; Path=/dashboard; HttpOnly; SameSite=Strict");
        json(res, Status.OK_200, Map.of("username", signedIn.get().caller().username()));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.SET_COOKIE, COOKIE + "=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0");
        json(res, Status.OK_200, Map.of());
    }

    private Optional<Authentication> authenticate(Credentials credentials) {
        try {
            Authentication authentication = authenticator.authenticate(credentials);
            var roles = authentication.caller().roles();
            return roles.contains(Role.ADMIN) || roles.contains(Role.OPERATIONS)
                    ? Optional.of(authentication) : Optional.empty();
        } catch (OrisunException e) {
            return Optional.empty();
        }
    }

    private Optional<Authentication> session(ServerRequest req, ServerResponse res) {
        Optional<String> token = req.headers().first(HeaderNames.COOKIE).flatMap(Dashboard::sessionCookie);
        Optional<Authentication> session = token.flatMap(t -> authenticate(new Credentials.Token(t)));
        if (session.isEmpty()) {
            json(res, Status.UNAUTHORIZED_401, Map.of("error", "sign in first"));
        }
        return session;
    }

    public static Optional<String> sessionCookie(String header) {
        for (String part : header.split(";")) {
            String cookie = part.strip();
            if (cookie.startsWith(COOKIE + "=") && cookie.length() > COOKIE.length() + 1) {
                return Optional.of(cookie.substring(COOKIE.length() + 1));
            }
        }
        return Optional.empty();
    }

    private void state(ServerRequest req, ServerResponse res) {
        Optional<Authentication> session = session(req, res);
        if (session.isEmpty()) {
            return;
        }
        boolean admin = session.get().caller().roles().contains(Role.ADMIN);
        sampler.refresh();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("node", nodeId);
        state.put("user", session.get().caller().username());
        state.put("admin", admin);
        state.put("ready", ready.getAsBoolean());
        List<Map<String, Object>> boundaryRows = new ArrayList<>();
        List<Map<String, Object>> indexRows = new ArrayList<>();
        List<BoundarySpec> sorted = boundaries.all().stream()
                .sorted(java.util.Comparator.comparing(BoundarySpec::name)).toList();
        for (BoundarySpec boundary : sorted) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", boundary.name());
            row.put("schema", boundary.schema());
            sampler.state(boundary.name()).ifPresent(s -> {
                row.put("events", s.events());
                row.put("head", s.head().transactionId() + "/" + s.head().globalId());
                row.put("published", s.published().transactionId() + "/" + s.published().globalId());
                row.put("publisherLagEvents", s.publisherLagEvents());
                row.put("publisherLagSeconds", Math.round(s.publisherLagSeconds() * 10) / 10.0);
                row.put("subscriptions", s.subscriptions());
            });
            boundaryRows.add(row);
            try {
                List<IndexEntry> entries = indexes.list(boundary.name());
                for (IndexEntry entry : entries) {
                    indexRows.add(indexRow(boundary, entry.definition(), entry.state().name()));
                }
                for (IndexDefinition suggestion : advisor.suggestions(boundary.name(), entries)) {
                    indexRows.add(indexRow(boundary, suggestion, "SUGGESTED"));
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "listing the indexes of {0} failed: {1}", boundary.name(), e.toString());
            }
        }
        state.put("boundaries", boundaryRows);
        state.put("pubSubSubscriptions", streams.activePubSubs());
        state.put("indexes", indexRows);
        if (admin) {
            List<Map<String, Object>> userRows = new ArrayList<>();
            for (User user : users.list()) {
                userRows.add(Map.of("username", user.username(), "roles", user.roles().stream().map(Enum::name).sorted()
                        .toList()));
            }
            state.put("users", userRows);
        }
        state.put("throughput", throughputSeries());
        json(res, Status.OK_200, state);
    }

    private static Map<String, Object> indexRow(BoundarySpec boundary, IndexDefinition index, String state) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("boundary", boundary.name());
        row.put("name", index.name());
        row.put("fields", index.fields().stream().map(f -> f.jsonKey() + " " + f.valueType().name()).toList());
        row.put("state", state);
        return row;
    }

    private void tail(ServerRequest req, ServerResponse res) {
        if (session(req, res).isEmpty()) {
            return;
        }
        String boundary = req.query().first("boundary").orElse("");
        String filter = req.query().first("criterion").orElse("").strip();
        try {
            Query query = filter.isEmpty() ? Query.all() : Query.of(criterion(filter));
            List<Event> events = log.read(new ReadRequest(boundary, query, ReadStart.edge(), Direction.DESC, TAIL));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Event event : events) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("position", event.position().transactionId() + "/" + event.position().globalId());
                row.put("type", event.eventType());
                row.put("id", event.eventId());
                row.put("data", event.data());
                rows.add(row);
            }
            json(res, Status.OK_200, Map.of("boundary", boundary, "events", rows));
        } catch (OrisunException e) {
            json(res, ErrorStatus.of(e), Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    /** {@code key=value} pairs separated by commas, all of which must match. */
    public static Criterion criterion(String filter) {
        List<Tag> tags = new ArrayList<>();
        for (String pair : filter.split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new InvalidRequest("a criterion is key=value[,key=value...], not '" + OrisunException.echo(filter) + "'");
            }
            tags.add(new Tag(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip()));
        }
        return new Criterion(tags);
    }

    public static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void json(ServerResponse res, Status status, Object body) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try {
            res.send(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sampleLoop() {
        while (!closed) {
            try {
                Thread.sleep(SAMPLE_INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
            sampleThroughput();
        }
    }

    private void sampleThroughput() {
        double written = 0;
        for (Counter counter : registry.find("orisun.events.written").counters()) {
            written += counter.count();
        }
        synchronized (throughput) {
            throughput.addLast(new long[] {Instant.now().toEpochMilli(), (long) written});
            while (throughput.size() > SAMPLES + 1) {
                throughput.removeFirst();
            }
        }
    }

    /** Events per second between consecutive samples, oldest first; the newest interval runs up to now. */
    private List<Map<String, Object>> throughputSeries() {
        List<long[]> points;
        synchronized (throughput) {
            points = new ArrayList<>(throughput);
        }
        double written = 0;
        for (Counter counter : registry.find("orisun.events.written").counters()) {
            written += counter.count();
        }
        points.add(new long[] {Instant.now().toEpochMilli(), (long) written});
        List<Map<String, Object>> series = new ArrayList<>();
        for (int i = 1; i < points.size(); i++) {
            long millis = Math.max(1, points.get(i)[0] - points.get(i - 1)[0]);
            double rate = (points.get(i)[1] - points.get(i - 1)[1]) * 1000.0 / millis;
            series.add(Map.of("at", points.get(i)[0], "eventsPerSecond", Math.round(rate * 10) / 10.0));
        }
        return series;
    }

    @Override
    public void close() {
        closed = true;
        throughputSampler.interrupt();
    }
}
