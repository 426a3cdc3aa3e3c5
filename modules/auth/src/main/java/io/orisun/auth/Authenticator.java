package io.orisun.auth;

import io.orisun.api.Unauthenticated;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks the credentials of a call and answers who is calling, with the session token to return. Thread-safe;
 * a check that hits the {@link CredentialCache} or presents a token costs microseconds and no database round trip
 * once the user is in the directory's memory, while a cache miss costs one bcrypt check.
 *
 * <p>Every failure is {@link Unauthenticated} with the same message, {@link #INVALID_CREDENTIALS}, whether the
 * username is unknown, the password wrong, the token forged, expired or revoked, or the username temporarily
 * locked after repeated failures: the answer never tells which part was wrong.
 *
 * <p>Revocation: a password change or a deletion takes effect at once on the node that made it, and on other
 * nodes within the directory's refresh interval (they learn of it from the admin boundary's log).
 */
public final class Authenticator {

    private static final System.Logger LOG = System.getLogger(Authenticator.class.getName());

    /** The message of every authentication failure. */
    public static final String INVALID_CREDENTIALS = "invalid credentials";
    /** The message when a call carries no credentials at all. */
    public static final String CREDENTIALS_REQUIRED = "credentials required";

    /** The password every fresh installation starts with, and should not keep. */
    static final String DEFAULT_PASSWORD = "changeit";
    private static final Duration DEFAULT_PASSWORD_WARNING_INTERVAL = Duration.ofHours(1);
    /** How long a verified password is remembered; a restart or a change on another node clears it earlier. */
    static final Duration CACHE_TTL = Duration.ofMinutes(5);
    static final int CACHE_SIZE = 10_000;

    private final UserDirectory directory;
    private final PasswordHasher hasher;
    private final SessionTokens tokens;
    private final CredentialCache cache;
    private final LoginThrottle throttle;
    private final InstantSource clock;
    private final AtomicLong lastDefaultPasswordWarning = new AtomicLong(Long.MIN_VALUE);

    Authenticator(UserDirectory directory, PasswordHasher hasher, SessionTokens tokens, InstantSource clock) {
        this.directory = directory;
        this.hasher = hasher;
        this.tokens = tokens;
        this.clock = clock;
        this.cache = new CredentialCache(CACHE_SIZE, CACHE_TTL, clock);
        this.throttle = new LoginThrottle(CACHE_SIZE, clock);
    }

    /**
     * Authenticates a call.
     *
     * @return the caller, with the token to send back: a new one after Basic authentication or when more than
     * half of the presented token's lifetime has passed, otherwise the presented token
     * @throws Unauthenticated               with {@link #INVALID_CREDENTIALS} when the credentials do not hold
     * @throws io.orisun.api.Unavailable     when the database cannot be reached to look the user up
     */
    public Authentication authenticate(Credentials credentials) {
        return switch (credentials) {
            case Credentials.Basic basic -> {
                StoredUser user = checkPassword(basic.username(), basic.password())
                        .orElseThrow(() -> new Unauthenticated(INVALID_CREDENTIALS));
                yield new Authentication(user.toCaller(), tokens.issue(user.userId(), user.credentialVersion()));
            }
            case Credentials.Token token -> {
                SessionTokens.Claims claims = tokens.verify(token.token())
                        .orElseThrow(() -> new Unauthenticated(INVALID_CREDENTIALS));
                StoredUser user = directory.current(claims.userId())
                        .filter(u -> u.credentialVersion() == claims.credentialVersion())
                        .orElseThrow(() -> new Unauthenticated(INVALID_CREDENTIALS));
                String next = tokens.needsRenewal(claims) ? tokens.issue(user.userId(), user.credentialVersion())
                        : token.token();
                yield new Authentication(user.toCaller(), next);
            }
        };
    }

    /**
     * The user whose username and password these are, or empty. A pair verified recently is answered from the
     * cache, provided the user's credential version has not changed since; otherwise bcrypt decides, unless the
     * username is locked by the {@link LoginThrottle}.
     */
    Optional<StoredUser> checkPassword(String presentedUsername, String password) {
        String username = presentedUsername.strip();
        if (username.isEmpty() || password.isEmpty() || username.length() > Credentials.MAX_LENGTH) {
            return Optional.empty();
        }
        String key = cache.keyOf(username, password);
        Optional<CredentialCache.Entry> hit = cache.find(key);
        if (hit.isPresent()) {
            Optional<StoredUser> user = directory.current(hit.get().userId())
                    .filter(u -> u.credentialVersion() == hit.get().credentialVersion() && u.username().equals(username));
            if (user.isPresent()) {
                return user;
            }
            cache.remove(key);
        }
        if (!throttle.allows(username)) {
            return Optional.empty();
        }
        Optional<StoredUser> user = directory.byUsername(username);
        boolean matches = user.isPresent() ? hasher.matches(password, user.get().passwordHash())
                : hasher.matchesNothing(password);
        if (!matches) {
            throttle.failed(username);
            return Optional.empty();
        }
        throttle.succeeded(username);
        cache.put(key, user.get().userId(), user.get().credentialVersion());
        if (DEFAULT_PASSWORD.equals(password)) {
            warnAboutDefaultPassword(username);
        }
        return user;
    }

    /** A fresh token for {@code user}, as after a password change. */
    String issue(StoredUser user) {
        return tokens.issue(user.userId(), user.credentialVersion());
    }

    /** Forgets everything cached about the user, after a change to it. */
    void evict(String userId) {
        cache.evictUser(userId);
        tokens.forget(userId);
    }

    /** How many bcrypt checks ran, for tests that the cache spares them. */
    long passwordChecks() {
        return hasher.checks();
    }

    void warnAboutDefaultPassword(String username) {
        long now = clock.millis();
        long last = lastDefaultPasswordWarning.get();
        if ((last == Long.MIN_VALUE || now - last >= DEFAULT_PASSWORD_WARNING_INTERVAL.toMillis())
                && lastDefaultPasswordWarning.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "user ''{0}'' still has the default password ''{1}''; change it with"
                    + " orisun.Admin/ChangePassword", Names.printable(username), DEFAULT_PASSWORD);
        }
    }
}
