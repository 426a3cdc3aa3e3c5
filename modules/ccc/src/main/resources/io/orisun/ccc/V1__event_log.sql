-- The event log of boundary ${boundary} in schema ${schema}.
--
-- Applied once per boundary by BoundarySchema, with these placeholders:
--   ${schema}    the boundary's schema, already double-quoted
--   ${boundary}  the boundary name, a validated identifier ([A-Za-z_][A-Za-z0-9_]*), so it can sit inside quotes
--   ${lockName}  the text ("<schema>.<boundary>") whose hash keys the boundary's writer lock
-- Every object name starts with the boundary name, so that several boundaries can share one schema.

-- The events. Positions are (transaction_id, global_id): global ids run 0, 1, 2, ... without gaps, and every event
-- of one save carries transaction_id = (largest global id of the save) + 1.
CREATE TABLE ${schema}."${boundary}_orisun_es_event" (
    transaction_id bigint      NOT NULL,
    global_id      bigint      NOT NULL,
    event_id       text        NOT NULL,
    event_type     text        NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    date_created   timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "${boundary}_orisun_es_event_pkey" PRIMARY KEY (transaction_id, global_id)
);

-- Event ids are unique forever: a repeated save is recognised by its ids and answered with the original positions.
CREATE UNIQUE INDEX "${boundary}_orisun_es_event_id_key"
    ON ${schema}."${boundary}_orisun_es_event" (event_id);

-- Serves the reserved eventType tag, newest first, without a filter over the whole log.
CREATE INDEX "${boundary}_orisun_es_event_type_idx"
    ON ${schema}."${boundary}_orisun_es_event" (event_type, transaction_id, global_id);

-- The newest position and the exact event count, in one row. Saves assign global ids from it, and count() reads
-- it instead of scanning the log. The low fill factor leaves room for HOT updates of the one row.
CREATE TABLE ${schema}."${boundary}_orisun_es_head" (
    singleton      boolean     NOT NULL DEFAULT true,
    transaction_id bigint      NOT NULL,
    global_id      bigint      NOT NULL,
    event_count    bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "${boundary}_orisun_es_head_pkey" PRIMARY KEY (singleton),
    CONSTRAINT "${boundary}_orisun_es_head_one_row" CHECK (singleton)
) WITH (fillfactor = 20);

INSERT INTO ${schema}."${boundary}_orisun_es_head" (transaction_id, global_id, event_count) VALUES (-1, -1, 0);

-- The publisher's checkpoint: the position of the last event published to NATS. One row, seeded with (-1, -1)
-- ("nothing published yet"); the publisher updates it in place.
CREATE TABLE ${schema}."${boundary}_orisun_last_published_event_position" (
    singleton      boolean     NOT NULL DEFAULT true,
    transaction_id bigint      NOT NULL,
    global_id      bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "${boundary}_orisun_last_published_pkey" PRIMARY KEY (singleton),
    CONSTRAINT "${boundary}_orisun_last_published_one_row" CHECK (singleton)
);

INSERT INTO ${schema}."${boundary}_orisun_last_published_event_position" (transaction_id, global_id) VALUES (-1, -1);

-- Checkpoints of named projections, one row per projection.
CREATE TABLE ${schema}."${boundary}_projector_checkpoint" (
    name           text        NOT NULL,
    transaction_id bigint      NOT NULL,
    global_id      bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "${boundary}_projector_checkpoint_pkey" PRIMARY KEY (name)
);

-- Returns the key of the transaction-level advisory lock that serializes the writers of this boundary, across
-- every process that writes to the database. It lives here, next to the save function, so that the key is the
-- same for every node and for operators who need to hold the lock by hand; hashtextextended is stable across
-- PostgreSQL versions because hash partitioning depends on it.
CREATE FUNCTION ${schema}."${boundary}_orisun_writer_lock_key"()
    RETURNS bigint
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS $key$
    SELECT hashtextextended('${lockName}', 0)
$key$;

-- Saves a batch of requests in arrival order, in the caller's transaction, and returns one row per request.
--
-- Why one function: group commit sends every request queued for the boundary in one round trip and one commit.
-- Arguments:
--   requests        a JSON array with one header per request: {"n": event count} plus, for a conditional save,
--                   "e": [transaction_id, global_id] (the expected position) and, unless the condition covers the
--                   whole boundary, "p": the predicate and "v": its values (a JSON array of strings).
--   event_ids, event_types, event_data, event_metadata
--                   parallel arrays of every event of the batch, request after request; data and metadata are
--                   JSON texts, cast to jsonb here.
-- Result rows, in request order (outcome; first and last position; detail):
--   'A' accepted: the positions of the new events;
--   'R' replayed: every event id of the request is already stored, in one save, in the same order and with the
--       same type, data and metadata (compared as jsonb): the original positions, and the condition is not run;
--   'X' exists: some event id is stored with different content; detail is the first such id;
--   'C' conflict: the condition did not hold; first and last are the actual position of the context.
-- Each request is checked against everything committed before it, including the earlier accepted requests of the
-- same batch. A rejected request writes nothing and does not affect the others. A failing cast or constraint fails
-- the whole call, and the caller then retries the requests one by one to isolate the bad one.
--
-- The predicate "p" is SQL built by the event log from validated JSON keys (quoted as literals, so expression
-- indexes on data->>'key' can serve it) with every value referenced as $1[i], never inlined. The function runs with
-- the caller's rights, so a caller who passes other SQL gains nothing it could not do directly.
--
-- Must run at READ COMMITTED: every statement after the lock then takes a fresh snapshot that includes the
-- previous writer's commit. At REPEATABLE READ the snapshot would predate the lock and miss it.
CREATE FUNCTION ${schema}."${boundary}_orisun_save_batch"(
    requests       jsonb,
    event_ids      text[],
    event_types    text[],
    event_data     text[],
    event_metadata text[])
    RETURNS TABLE (outcome text, first_tx bigint, first_gid bigint, last_tx bigint, last_gid bigint, detail text)
    LANGUAGE plpgsql
AS $save$
DECLARE
    req           jsonb;
    n             integer;
    base          integer := 0;
    head_tx       bigint;
    head_gid      bigint;
    appended      bigint  := 0;
    stored_count  integer;
    stored_min_tx bigint;
    stored_max_tx bigint;
    stored_first  bigint;
    stored_last   bigint;
    stored_same   boolean;
    stored_order  boolean;
    stored_id     text;
    save_size     bigint;
    actual_tx     bigint;
    actual_gid    bigint;
    new_tx        bigint;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'saves must run at isolation level read committed, not %',
            current_setting('transaction_isolation')
            USING ERRCODE = 'OR001';
    END IF;

    -- One writer per boundary from here to commit. Positions are assigned below from the head row, under this
    -- lock, and PostgreSQL makes a transaction visible before it releases its locks, so every snapshot a reader
    -- can take holds a gap-free prefix of the log: position n+1 is never visible without n.
    PERFORM pg_advisory_xact_lock(${schema}."${boundary}_orisun_writer_lock_key"());

    SELECT h.transaction_id, h.global_id INTO head_tx, head_gid
      FROM ${schema}."${boundary}_orisun_es_head" h;

    FOR req IN
        SELECT r.header FROM jsonb_array_elements(requests) WITH ORDINALITY AS r(header, ord) ORDER BY r.ord
    LOOP
        n := (req ->> 'n')::integer;
        outcome := NULL; first_tx := NULL; first_gid := NULL; last_tx := NULL; last_gid := NULL; detail := NULL;

        -- A retry of a stored save is answered from the log, before any condition.
        SELECT count(*),
               min(e.transaction_id), max(e.transaction_id),
               min(e.global_id), max(e.global_id),
               bool_and(e.event_type = r.t AND e.data = r.d::jsonb AND e.metadata = r.m::jsonb),
               min(e.global_id - r.ord) = max(e.global_id - r.ord),
               (array_agg(r.id ORDER BY r.ord))[1]
          INTO stored_count, stored_min_tx, stored_max_tx, stored_first, stored_last, stored_same, stored_order,
               stored_id
          FROM unnest(event_ids[base + 1 : base + n], event_types[base + 1 : base + n],
                      event_data[base + 1 : base + n], event_metadata[base + 1 : base + n])
                   WITH ORDINALITY AS r(id, t, d, m, ord)
          JOIN ${schema}."${boundary}_orisun_es_event" e ON e.event_id = r.id;

        IF stored_count > 0 THEN
            save_size := -1;
            IF stored_count = n AND stored_min_tx = stored_max_tx AND stored_same AND stored_order THEN
                SELECT count(*) INTO save_size
                  FROM ${schema}."${boundary}_orisun_es_event" e
                 WHERE e.transaction_id = stored_min_tx;
            END IF;
            IF save_size = n THEN
                outcome := 'R';
                first_tx := stored_min_tx; first_gid := stored_first;
                last_tx := stored_min_tx; last_gid := stored_last;
            ELSE
                outcome := 'X';
                detail := stored_id;
            END IF;
            RETURN NEXT;
            base := base + n;
            CONTINUE;
        END IF;

        IF req ? 'e' THEN
            IF req ? 'p' THEN
                actual_tx := NULL;
                actual_gid := NULL;
                EXECUTE 'SELECT e.transaction_id, e.global_id FROM ${schema}."${boundary}_orisun_es_event" e WHERE '
                        || (req ->> 'p')
                        || ' ORDER BY e.transaction_id DESC, e.global_id DESC LIMIT 1'
                   INTO actual_tx, actual_gid
                  USING ARRAY(SELECT v.value
                                FROM jsonb_array_elements_text(req -> 'v') WITH ORDINALITY AS v(value, ord)
                               ORDER BY v.ord);
                IF actual_tx IS NULL THEN
                    actual_tx := -1;
                    actual_gid := -1;
                END IF;
            ELSE
                -- A condition without tags covers the whole boundary: its newest event is the head.
                actual_tx := head_tx;
                actual_gid := head_gid;
            END IF;
            IF actual_tx <> (req -> 'e' ->> 0)::bigint OR actual_gid <> (req -> 'e' ->> 1)::bigint THEN
                outcome := 'C';
                first_tx := actual_tx; first_gid := actual_gid;
                last_tx := actual_tx; last_gid := actual_gid;
                RETURN NEXT;
                base := base + n;
                CONTINUE;
            END IF;
        END IF;

        new_tx := head_gid + n + 1;
        INSERT INTO ${schema}."${boundary}_orisun_es_event"
               (transaction_id, global_id, event_id, event_type, data, metadata)
        SELECT new_tx, head_gid + r.ord, r.id, r.t, r.d::jsonb, r.m::jsonb
          FROM unnest(event_ids[base + 1 : base + n], event_types[base + 1 : base + n],
                      event_data[base + 1 : base + n], event_metadata[base + 1 : base + n])
                   WITH ORDINALITY AS r(id, t, d, m, ord)
         ORDER BY r.ord;

        outcome := 'A';
        first_tx := new_tx; first_gid := head_gid + 1;
        last_tx := new_tx; last_gid := head_gid + n;
        RETURN NEXT;
        head_tx := new_tx;
        head_gid := head_gid + n;
        appended := appended + n;
        base := base + n;
    END LOOP;

    IF appended > 0 THEN
        UPDATE ${schema}."${boundary}_orisun_es_head"
           SET transaction_id = head_tx,
               global_id = head_gid,
               event_count = event_count + appended,
               updated_at = clock_timestamp();
        -- Publishers LISTEN on this channel; one notification per batch carries the new head.
        PERFORM pg_notify(lower('orisun_${boundary}'), head_tx || ':' || head_gid);
    END IF;
END
$save$;
