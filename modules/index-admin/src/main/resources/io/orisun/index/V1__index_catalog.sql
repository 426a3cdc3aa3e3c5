-- The index catalog of boundary ${boundary} in schema ${schema}, version 1.
--
-- Applied by IndexAdmin before it first touches the boundary, under a transaction-level advisory lock, with these
-- placeholders:
--   ${schema}    the boundary's schema, already double-quoted
--   ${boundary}  the boundary name, a validated identifier ([A-Za-z_][A-Za-z0-9_]*), so it can sit inside quotes
-- Every statement is idempotent, so the script runs again harmlessly; a later version adds its own script.

-- One row per index created through CreateIndex. The definition is kept as parallel arrays (one element per field,
-- one per condition), in request order. state moves BUILDING -> READY, or BUILDING -> FAILED with last_error; a
-- FAILED row has no physical index behind it.
CREATE TABLE IF NOT EXISTS ${schema}."${boundary}_orisun_index" (
    name                text        NOT NULL,
    physical_name       text        NOT NULL,
    field_keys          text[]      NOT NULL,
    field_types         text[]      NOT NULL,
    condition_keys      text[]      NOT NULL,
    condition_operators text[]      NOT NULL,
    condition_values    text[]      NOT NULL,
    combinator          text        NOT NULL,
    state               text        NOT NULL,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "${boundary}_orisun_index_pkey" PRIMARY KEY (name),
    CONSTRAINT "${boundary}_orisun_index_state" CHECK (state IN ('BUILDING', 'READY', 'FAILED')),
    CONSTRAINT "${boundary}_orisun_index_combinator" CHECK (combinator IN ('AND', 'OR'))
);

-- Reads a payload text as a timestamp, for TIMESTAMPTZ index fields and conditions.
--
-- Why a function: the cast text -> timestamptz depends on the session's TimeZone and DateStyle, so PostgreSQL
-- refuses it in an index. Pinning both settings makes the result depend on the text alone, which is what IMMUTABLE
-- promises: a value without an offset means UTC. The relative words (now, today, tomorrow, yesterday) would still
-- change meaning over time, so they are refused with SQLSTATE 22007 (invalid datetime format), like any other text
-- that is not a timestamp. NULL (a missing key) gives NULL.
CREATE OR REPLACE FUNCTION ${schema}."${boundary}_orisun_index_timestamptz"(value text)
    RETURNS timestamptz
    LANGUAGE plpgsql
    IMMUTABLE
    STRICT
    PARALLEL SAFE
    SET timezone TO 'UTC'
    SET datestyle TO 'ISO, MDY'
AS $timestamptz$
BEGIN
    IF value ~* E'\\m(now|today|tomorrow|yesterday)\\M' THEN
        RAISE EXCEPTION 'the relative time "%" cannot be indexed as a timestamp', value
            USING ERRCODE = '22007';
    END IF;
    RETURN value::timestamptz;
END
$timestamptz$;
