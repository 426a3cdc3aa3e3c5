package io.orisun.auth;

import io.orisun.api.AlreadyExists;
import io.orisun.api.AppendCondition;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.NotFound;
import io.orisun.api.PermissionDenied;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.Unauthenticated;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The users of an Orisun-J cluster, and the {@link Authenticator} that checks their credentials.
 *
 * <p><b>Storage.</b> Users are events in the admin boundary: {@code $UserCreated}, {@code $UserPasswordChanged} and
 * {@code $UserDeleted}, each carrying the user id, the username and, for the first two, the bcrypt hash sealed
 * with a key derived from the server secret. Every change is saved with the consistency check on the context
 * {@code username=<name>} at the position read before the decision, so two concurrent changes of one username
 * cannot both succeed. A users table beside the log, projected from these events, serves lookups; the node that
 * makes a change projects it before answering.
 *
 * <p><b>Every node.</b> Each node reads the user events it has not seen every {@link AuthSettings#refreshInterval()},
 * and whenever a username is not found (at most once a second), and applies any the table lacks. What it reads also
 * clears its caches of the users concerned, so a deletion or a password change stops working everywhere within
 * about one refresh interval; on the node that made the change, at once. Should reading the log fail, a node
 * still re-reads each cached user from the table at least once a minute.
 *
 * <p><b>First start.</b> When no user exists, {@link #start} creates the configured administrator with role
 * {@link Role#ADMIN}, once, even when several nodes start together. While that administrator's password is the
 * default {@code changeit}, a warning is logged at start and at most hourly when it is used.
 *
 * <p>Failures are {@link io.orisun.api.OrisunException}s, as documented per method; {@link io.orisun.api.Unavailable}
 * whenever the database cannot be reached.
 */
public final class UserDirectory implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(UserDirectory.class.getName());

    private static final int PAGE = 500;
    private static final Duration USER_CACHE_TTL = Duration.ofSeconds(60);
    private static final int USER_CACHE_SIZE = 10_000;
    private static final Duration MIN_REFRESH_ON_MISS = Duration.ofSeconds(1);

    private final AuthSettings settings;
    private final String boundary;
    private final EventLog log;
    private final UserStore store;
    private final HashSeal seal;
    private final PasswordHasher hasher = new PasswordHasher();
    private final Authenticator authenticator;
    private final InstantSource clock;
    private final Map<String, CachedUser> users = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final ScheduledExecutorService scheduler;
    private Position seen = Position.NONE;
    private volatile long lastRefreshMillis = Long.MIN_VALUE;
    private volatile boolean refreshFailing;

    private record CachedUser(StoredUser user, long loadedAtMillis) {
    }

    private UserDirectory(AuthSettings settings, EventLog log, UserStore store, ServerSecret secret, InstantSource clock) {
        this.settings = settings;
        this.boundary = settings.adminBoundary().name();
        this.log = log;
        this.store = store;
        this.clock = clock;
        this.seal = new HashSeal(secret.sealKey());
        this.authenticator = new Authenticator(this, hasher,
                new SessionTokens(secret.tokenKey(), settings.sessionTtl(), clock), clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform()
                .name("orisun-users-refresh").daemon().unstarted(runnable));
    }

    /**
     * Opens the directory: creates the users tables and the server secret in the admin boundary's schema when
     * missing, catches up with the user events, creates the configured administrator if no user exists, and
     * starts the periodic refresh. {@link #close()} stops it.
     *
     * @param settings the admin boundary, the first administrator and the token lifetime
     * @param admin    connections that may create tables in the admin boundary's schema
     * @param log      the event log, which must serve the admin boundary
     * @throws InvalidRequest                  when the configured administrator's username or password breaks
     *                                         the rules of {@link NewUser}
     * @throws io.orisun.api.Unavailable       when the database cannot be reached
     * @throws FailedPrecondition              when the tables cannot be created
     */
    public static UserDirectory start(AuthSettings settings, DataSource admin, EventLog log) {
        return start(settings, admin, log, InstantSource.system());
    }

    static UserDirectory start(AuthSettings settings, DataSource admin, EventLog log, InstantSource clock) {
        NewUser administrator;
        try {
            administrator = new NewUser("Administrator", settings.adminUsername(), settings.adminPassword(),
                    Set.of(Role.ADMIN));
        } catch (InvalidRequest e) {
            throw new InvalidRequest("the configured administrator is not valid: " + e.getMessage(), e);
        }
        UserStore store = new UserStore(admin, settings.adminBoundary());
        store.createTables();
        UserDirectory directory = new UserDirectory(settings, log, store, store.secret(), clock);
        directory.refresh();
        directory.ensureAdministrator(administrator);
        directory.scheduleRefresh();
        return directory;
    }

    /** The authenticator that checks credentials against this directory. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /**
     * Creates a user.
     *
     * @throws AlreadyExists when the username is taken, including by a concurrent creation that won the race
     */
    public User create(NewUser user) {
        Criterion context = UserEvent.about(user.username());
        LatestByCriteria latest = log.latest(boundary, List.of(context));
        Optional<Event> last = latest.latest().getFirst();
        if (last.isPresent() && !UserEvent.DELETED.equals(last.get().eventType())) {
            throw taken(user.username(), null);
        }
        UserEvent.Created created = UserEvent.Created.of(user, hasher.hash(user.password()), UserEvent.now(clock));
        try {
            save(context, latest.contextPosition(), created);
        } catch (ConsistencyViolation e) {
            throw taken(user.username(), e);
        }
        refresh();
        LOG.log(System.Logger.Level.INFO, "user ''{0}'' ({1}) created with roles {2}", Names.printable(created.username()),
                created.userId(), created.roles());
        return created.toUser();
    }

    /**
     * Deletes a user. Its tokens and cached credentials stop working (see the class comment for other nodes).
     *
     * @throws InvalidRequest     when {@code userId} is blank
     * @throws FailedPrecondition when the caller deletes itself, or the user changed concurrently
     * @throws NotFound           when no user has that id
     */
    public void delete(String userId, Caller caller) {
        requireUserId(userId);
        if (userId.equals(caller.userId())) {
            throw new FailedPrecondition("a user cannot delete itself");
        }
        StoredUser user = find(userId);
        Criterion context = UserEvent.about(user.username());
        LatestByCriteria latest = log.latest(boundary, List.of(context));
        requireCurrent(latest, userId);
        try {
            save(context, latest.contextPosition(), new UserEvent.Deleted(userId, user.username(), UserEvent.now(clock)));
        } catch (ConsistencyViolation e) {
            refresh();
            find(userId);
            throw new FailedPrecondition("user " + userId + " changed while it was being deleted; try again", e);
        }
        refresh();
        LOG.log(System.Logger.Level.INFO, "user ''{0}'' ({1}) deleted by ''{2}''", Names.printable(user.username()), userId,
                Names.printable(caller.username()));
    }

    /**
     * Changes the caller's own password, which revokes the caller's other tokens and cached credentials.
     *
     * @return the caller's authentication with a fresh token, valid under the new password
     * @throws InvalidRequest     when {@code userId} is blank or the new password breaks the rules
     * @throws PermissionDenied   when {@code userId} is not the caller's
     * @throws Unauthenticated    when the current password is wrong
     * @throws FailedPrecondition when the user changed concurrently
     */
    public Authentication changePassword(String userId, String currentPassword, String newPassword, Caller caller) {
        requireUserId(userId);
        if (!userId.equals(caller.userId())) {
            throw new PermissionDenied("a user can change only its own password");
        }
        NewUser.requirePassword("new_password", newPassword);
        StoredUser user = find(userId);
        if (authenticator.checkPassword(user.username(), currentPassword == null ? "" : currentPassword).isEmpty()) {
            throw new Unauthenticated(Authenticator.INVALID_CREDENTIALS);
        }
        Criterion context = UserEvent.about(user.username());
        LatestByCriteria latest = log.latest(boundary, List.of(context));
        UserEvent current = requireCurrent(latest, userId);
        UserEvent.PasswordChanged changed = new UserEvent.PasswordChanged(userId, user.username(),
                hasher.hash(newPassword), UserEvent.credentialVersionAfter(current) + 1, UserEvent.now(clock));
        try {
            save(context, latest.contextPosition(), changed);
        } catch (ConsistencyViolation e) {
            throw new FailedPrecondition("user " + userId + " changed while its password was being changed; try again", e);
        }
        refresh();
        LOG.log(System.Logger.Level.INFO, "user ''{0}'' ({1}) changed its password", Names.printable(user.username()), userId);
        StoredUser updated = new StoredUser(user.userId(), user.username(), user.name(), user.roles(), changed.passwordHash(),
                changed.credentialVersion(), user.createdAt(), changed.at());
        return new Authentication(updated.toCaller(), authenticator.issue(updated));
    }

    /** Every user, oldest first. */
    public List<User> list() {
        return store.all().stream().map(StoredUser::toUser).toList();
    }

    /** How many users exist. */
    public long count() {
        return store.count();
    }

    /**
     * The user whose credentials these are, or empty when they are wrong (including while the username is locked
     * after repeated failures). Never throws for bad credentials.
     */
    public Optional<User> validate(String username, String password) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        return authenticator.checkPassword(username, password).map(StoredUser::toUser);
    }

    /**
     * Reads the user events this node has not seen, applies those the users table lacks, and clears this node's
     * caches of every user they concern. Runs periodically by itself; callers need it only to see another node's
     * change sooner.
     */
    public void refresh() {
        refreshLock.lock();
        try {
            while (true) {
                ReadStart start = seen.equals(Position.NONE) ? ReadStart.edge() : ReadStart.after(seen);
                List<Event> page = log.read(new ReadRequest(boundary, UserEvent.ALL, start, Direction.ASC, PAGE));
                if (page.isEmpty()) {
                    break;
                }
                List<UserStore.Positioned> events = new ArrayList<>(page.size());
                for (Event event : page) {
                    try {
                        events.add(new UserStore.Positioned(event.position(), UserEvent.from(event, seal)));
                    } catch (IllegalArgumentException e) {
                        LOG.log(System.Logger.Level.WARNING, "ignoring user event {0} at {1} in boundary {2}: {3}",
                                Names.printable(event.eventId()), event.position(), boundary, e.getMessage());
                    }
                }
                Position last = page.getLast().position();
                store.apply(events, last);
                generation.incrementAndGet();
                for (UserStore.Positioned positioned : events) {
                    users.remove(positioned.event().userId());
                    authenticator.evict(positioned.event().userId());
                }
                seen = last;
                if (page.size() < PAGE) {
                    break;
                }
            }
            lastRefreshMillis = clock.millis();
        } finally {
            refreshLock.unlock();
        }
    }

    /** Stops the periodic refresh. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** The user with this id as this node knows it: from memory when loaded recently, else from the table. */
    Optional<StoredUser> current(String userId) {
        long now = clock.millis();
        CachedUser cached = users.get(userId);
        if (cached != null && now - cached.loadedAtMillis() < USER_CACHE_TTL.toMillis()) {
            return Optional.of(cached.user());
        }
        long before = generation.get();
        Optional<StoredUser> loaded = store.byId(userId);
        if (loaded.isEmpty()) {
            users.remove(userId);
        } else if (generation.get() == before) {
            // Only when no refresh ran meanwhile: it might have cleared a change this load did not see yet.
            if (users.size() >= USER_CACHE_SIZE) {
                users.clear();
            }
            users.put(userId, new CachedUser(loaded.get(), now));
        }
        return loaded;
    }

    /** The user with this username, catching up with the log first if it is unknown (at most once a second). */
    Optional<StoredUser> byUsername(String username) {
        Optional<StoredUser> user = store.byUsername(username);
        if (user.isEmpty() && clock.millis() - lastRefreshMillis >= MIN_REFRESH_ON_MISS.toMillis()) {
            refresh();
            user = store.byUsername(username);
        }
        return user;
    }

    private void ensureAdministrator(NewUser administrator) {
        if (store.count() == 0) {
            LatestByCriteria latest = log.latest(boundary, List.of(UserEvent.CREATIONS));
            UserEvent.Created created = UserEvent.Created.of(administrator, hasher.hash(administrator.password()),
                    UserEvent.now(clock));
            try {
                save(UserEvent.CREATIONS, latest.contextPosition(), created);
                LOG.log(System.Logger.Level.INFO, "no user existed: created the administrator ''{0}'' with role ADMIN",
                        Names.printable(administrator.username()));
            } catch (ConsistencyViolation e) {
                LOG.log(System.Logger.Level.DEBUG, "another node created the first user");
            }
            refresh();
        }
        // Only a warning depends on it, and it costs a bcrypt check: start-up does not wait for it.
        Thread.ofPlatform().daemon().name("orisun-default-password-check").start(() -> {
            try {
                store.byUsername(administrator.username())
                        .filter(user -> hasher.verifies(Authenticator.DEFAULT_PASSWORD, user.passwordHash()))
                        .ifPresent(user -> authenticator.warnAboutDefaultPassword(user.username()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "the check of the administrator''s password did not run: {0}",
                        e.getMessage());
            }
        });
    }

    private void save(Criterion context, Position expected, UserEvent event) {
        log.save(new SaveRequest(boundary, AppendCondition.contextAt(Query.of(context), expected),
                List.of(event.toEvent(seal))));
    }

    /** The newest event of the username, which must be a live state of {@code userId}. */
    private UserEvent requireCurrent(LatestByCriteria latest, String userId) {
        Optional<Event> last = latest.latest().getFirst();
        UserEvent event;
        try {
            event = last.map(e -> UserEvent.from(e, seal)).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new FailedPrecondition("the newest event of user " + Names.printable(userId) + " cannot be read: "
                    + e.getMessage(), e);
        }
        if (event == null || event instanceof UserEvent.Deleted || !event.userId().equals(userId)) {
            refresh();
            throw new NotFound("no user has id " + Names.printable(userId));
        }
        return event;
    }

    private StoredUser find(String userId) {
        Optional<StoredUser> user = store.byId(userId);
        if (user.isEmpty()) {
            refresh();
            user = store.byId(userId);
        }
        return user.orElseThrow(() -> new NotFound("no user has id " + Names.printable(userId)));
    }

    private static void requireUserId(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new InvalidRequest("user_id is required");
        }
    }

    private static AlreadyExists taken(String username, Throwable cause) {
        String message = "user '" + Names.printable(username) + "' already exists";
        return cause == null ? new AlreadyExists(message) : new AlreadyExists(message, cause);
    }

    private void scheduleRefresh() {
        long period = settings.refreshInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (refreshFailing) {
                refreshFailing = false;
                LOG.log(System.Logger.Level.INFO, "reading user events of boundary {0} works again", boundary);
            }
        } catch (RuntimeException e) {
            // One line per outage, not one per tick; the next tick retries.
            if (!refreshFailing) {
                refreshFailing = true;
                LOG.log(System.Logger.Level.WARNING, "reading user events of boundary " + boundary + " failed;"
                        + " changes made on other nodes are not seen here until it works again", e);
            }
        }
    }
}
