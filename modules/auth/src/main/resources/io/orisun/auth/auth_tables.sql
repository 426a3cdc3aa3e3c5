-- The tables of Orisun-J's authentication, in the schema of the admin boundary ${boundary}.
--
-- Run by UserStore at every start, inside one transaction that holds an advisory lock, so nodes starting together
-- do not race. Every statement is idempotent. Placeholders, replaced before the script runs:
--   ${schema}    the admin boundary's schema, already double-quoted
--   ${boundary}  the admin boundary's name, a validated identifier ([A-Za-z_][A-Za-z0-9_]*)

-- The users, projected from the user events ($UserCreated, $UserPasswordChanged, $UserDeleted) of the admin
-- boundary's log, which remains the source of truth. credential_version starts at 1 and goes up with each password
-- change; session tokens name it, so a change revokes the tokens issued before it.
CREATE TABLE IF NOT EXISTS ${schema}."${boundary}_orisun_users" (
    user_id            text        NOT NULL,
    username           text        NOT NULL,
    name               text        NOT NULL,
    roles              text[]      NOT NULL,
    password_hash      text        NOT NULL,
    credential_version bigint      NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CONSTRAINT "${boundary}_orisun_users_pkey" PRIMARY KEY (user_id),
    CONSTRAINT "${boundary}_orisun_users_username_key" UNIQUE (username)
);

-- The position of the last user event applied to the users table. One row, seeded with (-1, -1) meaning none.
-- Projecting nodes lock it, so that each event is applied once and in order whichever node gets there first.
CREATE TABLE IF NOT EXISTS ${schema}."${boundary}_orisun_users_checkpoint" (
    singleton      boolean     NOT NULL DEFAULT true,
    transaction_id bigint      NOT NULL,
    global_id      bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "${boundary}_orisun_users_checkpoint_pkey" PRIMARY KEY (singleton),
    CONSTRAINT "${boundary}_orisun_users_checkpoint_one_row" CHECK (singleton)
);

INSERT INTO ${schema}."${boundary}_orisun_users_checkpoint" (transaction_id, global_id)
VALUES (-1, -1)
ON CONFLICT (singleton) DO NOTHING;

-- The server secret: 32 random bytes written once by the first node to start, from which every node derives the
-- key that signs session tokens and the key that seals password hashes in user events. Losing it invalidates all
-- tokens and makes the user events unreadable, so back it up with the rest of the database.
CREATE TABLE IF NOT EXISTS ${schema}."${boundary}_orisun_auth_secret" (
    singleton  boolean     NOT NULL DEFAULT true,
    secret     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "${boundary}_orisun_auth_secret_pkey" PRIMARY KEY (singleton),
    CONSTRAINT "${boundary}_orisun_auth_secret_one_row" CHECK (singleton),
    CONSTRAINT "${boundary}_orisun_auth_secret_length" CHECK (octet_length(secret) = 32)
)
