package io.orisun.auth;

import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The events that record users in the admin boundary. Each carries the user id and the username, so that the
 * consistency check of a change can use the context {@code username=<name>}. Password hashes travel sealed
 * ({@link HashSeal}). Times are kept to the microsecond, PostgreSQL's precision.
 */
sealed interface UserEvent {

    String CREATED = "$UserCreated";
    String PASSWORD_CHANGED = "$UserPasswordChanged";
    String DELETED = "$UserDeleted";

    /** Every user event of the admin boundary. */
    Query ALL = Query.of(Criterion.of(Tag.of("eventType", CREATED)), Criterion.of(Tag.of("eventType", PASSWORD_CHANGED)),
            Criterion.of(Tag.of("eventType", DELETED)));

    /** The user creations, the context of creating the first administrator. */
    Criterion CREATIONS = Criterion.of(Tag.of("eventType", CREATED));

    String userId();

    String username();

    /** The event to append. */
    EventToSave toEvent(HashSeal seal);

    /** The context of every change to {@code username}: all its events, of any user id. */
    static Criterion about(String username) {
        return Criterion.of(Tag.of("username", username));
    }

    /** The current time at PostgreSQL's precision. */
    static Instant now(java.time.InstantSource clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A user came into being, with credential version 1. */
    record Created(String userId, String username, String name, Set<Role> roles, String passwordHash,
                   long credentialVersion, Instant at) implements UserEvent {
        public Created {
            Objects.requireNonNull(userId, "userId");
            roles = Set.copyOf(roles);
        }

        static Created of(NewUser user, String passwordHash, Instant at) {
            return new Created(UUID.randomUUID().toString(), user.username(), user.name(), user.roles(), passwordHash, 1, at);
        }

        @Override
        public EventToSave toEvent(HashSeal seal) {
            String data = EventJson.object()
                    .put("user_id", userId)
                    .put("username", username)
                    .put("name", name)
                    .put("roles", roles.stream().map(Role::name).sorted().toList())
                    .put("password_hash", seal.seal(passwordHash, userId))
                    .put("credential_version", credentialVersion)
                    .put("created_at", at.toString())
                    .put("updated_at", at.toString())
                    .write();
            return new EventToSave(UUID.randomUUID().toString(), CREATED, data, "{}");
        }

        User toUser() {
            return new User(userId, name, username, roles, at, at);
        }

        @Override
        public String toString() {
            return "Created[userId=" + userId + ", username=" + Names.printable(username) + ", roles=" + roles
                    + ", credentialVersion=" + credentialVersion + ", at=" + at + "]";
        }
    }

    /** A user's password changed; the credential version went up by one, revoking older tokens. */
    record PasswordChanged(String userId, String username, String passwordHash, long credentialVersion, Instant at)
            implements UserEvent {
        @Override
        public EventToSave toEvent(HashSeal seal) {
            String data = EventJson.object()
                    .put("user_id", userId)
                    .put("username", username)
                    .put("password_hash", seal.seal(passwordHash, userId))
                    .put("credential_version", credentialVersion)
                    .put("updated_at", at.toString())
                    .write();
            return new EventToSave(UUID.randomUUID().toString(), PASSWORD_CHANGED, data, "{}");
        }

        @Override
        public String toString() {
            return "PasswordChanged[userId=" + userId + ", username=" + Names.printable(username)
                    + ", credentialVersion=" + credentialVersion + ", at=" + at + "]";
        }
    }

    /** A user was deleted; its username may be taken again, by a new user id. */
    record Deleted(String userId, String username, Instant at) implements UserEvent {
        @Override
        public EventToSave toEvent(HashSeal seal) {
            String data = EventJson.object()
                    .put("user_id", userId)
                    .put("username", username)
                    .put("deleted_at", at.toString())
                    .write();
            return new EventToSave(UUID.randomUUID().toString(), DELETED, data, "{}");
        }
    }

    /**
     * Reads a stored user event back.
     *
     * @throws IllegalArgumentException when the event is not a well-formed user event sealed by this server
     */
    static UserEvent from(Event event, HashSeal seal) {
        EventJson data = EventJson.parse(event.data());
        String userId = data.text("user_id");
        String username = data.text("username");
        try {
            return switch (event.eventType()) {
                case CREATED -> {
                    Set<Role> roles = EnumSet.noneOf(Role.class);
                    for (String role : data.texts("roles")) {
                        roles.add(Role.valueOf(role));
                    }
                    yield new Created(userId, username, data.text("name"), roles,
                            seal.open(data.text("password_hash"), userId), data.number("credential_version"),
                            Instant.parse(data.text("created_at")));
                }
                case PASSWORD_CHANGED -> new PasswordChanged(userId, username, seal.open(data.text("password_hash"), userId),
                        data.number("credential_version"), Instant.parse(data.text("updated_at")));
                case DELETED -> new Deleted(userId, username, Instant.parse(data.text("deleted_at")));
                default -> throw new IllegalArgumentException("not a user event: " + Names.printable(event.eventType()));
            };
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a time field is malformed", e);
        }
    }

    /** The credential version a user has after {@code event}; zero after a deletion. */
    static long credentialVersionAfter(UserEvent event) {
        return switch (event) {
            case Created created -> created.credentialVersion();
            case PasswordChanged changed -> changed.credentialVersion();
            case Deleted deleted -> 0;
        };
    }

    /** The event types, for checks that an event is one of these. */
    List<String> TYPES = List.of(CREATED, PASSWORD_CHANGED, DELETED);
}
