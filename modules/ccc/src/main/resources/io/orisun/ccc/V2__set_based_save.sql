-- The save function of boundary ${boundary} in schema ${schema}, rewritten so that the cost of a flush grows with
-- its number of statements, not with its number of requests. Same placeholders as V1__event_log.sql.

-- Saves a batch of requests in arrival order, in the caller's transaction, and returns one row per request.
--
-- Arguments, result rows and outcomes are those of version 1 (see V1__event_log.sql): 'A' accepted, 'R' replayed,
-- 'X' an event id exists with other content, 'C' the condition did not hold. So are the guarantees: each request is
-- judged against everything committed before it, including the earlier accepted requests of the same batch; a
-- rejected request writes nothing; a failing cast or constraint fails the whole call, and the caller then retries
-- the requests one by one to isolate the bad one.
--
-- What changed, and why it keeps those guarantees:
--   * The JSON texts are cast to jsonb once, up front, for the whole batch.
--   * One statement finds, for the whole batch, the events whose id is already stored or repeats an earlier event
--     of the batch. Only the requests holding such an event take the replay path of version 1, and before it runs,
--     every accepted event so far is inserted, so that it sees them exactly as version 1 did.
--   * Accepted events are not inserted request by request. Their positions are assigned in the loop from the head
--     (as before, under the writer lock) and they wait in ev_tx/ev_gid until one INSERT writes all of them: at the
--     end, before a replay check, or when more than 64 are waiting before a tagged condition.
--   * A tagged condition ("p") is checked in one statement against the committed log and against the accepted
--     events still waiting to be inserted, so the newest event of its context includes the earlier requests of the
--     batch without writing them first. A condition without tags compares with the head, which the loop keeps
--     current.
--
-- Must run at READ COMMITTED, like version 1.
CREATE OR REPLACE FUNCTION ${schema}."${boundary}_orisun_save_batch"(
    requests       jsonb,
    event_ids      text[],
    event_types    text[],
    event_data     text[],
    event_metadata text[])
    RETURNS TABLE (outcome text, first_tx bigint, first_gid bigint, last_tx bigint, last_gid bigint, detail text)
    LANGUAGE plpgsql
AS $save$
DECLARE
    total         integer := cardinality(event_ids);
    request_count integer := jsonb_array_length(requests);
    req           jsonb;
    k             integer;
    j             integer;
    n             integer;
    base          integer := 0;
    pend_from     integer := 0;
    pending       integer := 0;
    head_tx       bigint;
    head_gid      bigint;
    appended      bigint  := 0;
    ev_data       jsonb[];
    ev_meta       jsonb[];
    ev_tx         bigint[];
    ev_gid        bigint[];
    seen          integer[];
    seen_at       integer := 1;
    hit           boolean;
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

    -- One writer per boundary from here to commit; see version 1.
    PERFORM pg_advisory_xact_lock(${schema}."${boundary}_orisun_writer_lock_key"());

    SELECT h.transaction_id, h.global_id INTO head_tx, head_gid
      FROM ${schema}."${boundary}_orisun_es_head" h;

    SELECT array_agg(u.d::jsonb ORDER BY u.o), array_agg(u.m::jsonb ORDER BY u.o)
      INTO ev_data, ev_meta
      FROM unnest(event_data, event_metadata) WITH ORDINALITY AS u(d, m, o);
    ev_tx := array_fill(NULL::bigint, ARRAY[total]);
    ev_gid := array_fill(NULL::bigint, ARRAY[total]);

    -- The events (1-based, ascending) whose id is stored already or repeats an earlier event of this batch.
    SELECT array_agg(r.i ORDER BY r.i) INTO seen
      FROM (SELECT u.id, u.i, row_number() OVER (PARTITION BY u.id ORDER BY u.i) AS nth
              FROM unnest(event_ids) WITH ORDINALITY AS u(id, i)) r
     WHERE r.nth > 1
        OR EXISTS (SELECT 1 FROM ${schema}."${boundary}_orisun_es_event" e WHERE e.event_id = r.id);

    -- One pass more than there are requests: the last one only writes what still waits.
    FOR k IN 1 .. request_count + 1 LOOP
        hit := false;
        IF k <= request_count THEN
            req := requests -> (k - 1);
            n := (req ->> 'n')::integer;
            WHILE seen IS NOT NULL AND seen_at <= cardinality(seen) AND seen[seen_at] <= base LOOP
                seen_at := seen_at + 1;
            END LOOP;
            hit := seen IS NOT NULL AND seen_at <= cardinality(seen) AND seen[seen_at] <= base + n;
        END IF;

        IF pending > 0 AND (k > request_count OR hit OR (pending > 64 AND req ? 'e' AND req ? 'p')) THEN
            INSERT INTO ${schema}."${boundary}_orisun_es_event"
                   (transaction_id, global_id, event_id, event_type, data, metadata)
            SELECT r.tx, r.gid, r.id, r.t, r.d, r.m
              FROM unnest(ev_tx[pend_from + 1 : base], ev_gid[pend_from + 1 : base],
                          event_ids[pend_from + 1 : base], event_types[pend_from + 1 : base],
                          ev_data[pend_from + 1 : base], ev_meta[pend_from + 1 : base])
                       WITH ORDINALITY AS r(tx, gid, id, t, d, m, ord)
             WHERE r.tx IS NOT NULL
             ORDER BY r.ord;
            pending := 0;
        END IF;
        IF pending = 0 THEN
            pend_from := base;
        END IF;
        EXIT WHEN k > request_count;

        outcome := NULL; first_tx := NULL; first_gid := NULL; last_tx := NULL; last_gid := NULL; detail := NULL;

        IF hit THEN
            -- A retry of a stored save is answered from the log, before any condition; as in version 1.
            SELECT count(*),
                   min(e.transaction_id), max(e.transaction_id),
                   min(e.global_id), max(e.global_id),
                   bool_and(e.event_type = r.t AND e.data = r.d AND e.metadata = r.m),
                   min(e.global_id - r.ord) = max(e.global_id - r.ord),
                   (array_agg(r.id ORDER BY r.ord))[1]
              INTO stored_count, stored_min_tx, stored_max_tx, stored_first, stored_last, stored_same,
                   stored_order, stored_id
              FROM unnest(event_ids[base + 1 : base + n], event_types[base + 1 : base + n],
                          ev_data[base + 1 : base + n], ev_meta[base + 1 : base + n])
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
            -- The repeated ids belonged to an earlier request of this batch that was rejected: a new save.
        END IF;

        IF req ? 'e' THEN
            IF req ? 'p' THEN
                actual_tx := NULL;
                actual_gid := NULL;
                IF pending = 0 THEN
                    EXECUTE 'SELECT e.transaction_id, e.global_id FROM ${schema}."${boundary}_orisun_es_event" e'
                            || ' WHERE ' || (req ->> 'p')
                            || ' ORDER BY e.transaction_id DESC, e.global_id DESC LIMIT 1'
                       INTO actual_tx, actual_gid
                      USING ARRAY(SELECT v.value
                                    FROM jsonb_array_elements_text(req -> 'v') WITH ORDINALITY AS v(value, ord)
                                   ORDER BY v.ord);
                ELSE
                    -- The same predicate over the accepted events that wait to be inserted; they are newer than
                    -- every committed event, so they win when one matches.
                    EXECUTE 'SELECT c.tx, c.gid FROM ('
                            || '(SELECT e.tx, e.gid FROM unnest($2, $3, $4, $5) AS e(tx, gid, event_type, data)'
                            || ' WHERE e.tx IS NOT NULL AND ' || (req ->> 'p')
                            || ' ORDER BY e.tx DESC, e.gid DESC LIMIT 1)'
                            || ' UNION ALL '
                            || '(SELECT e.transaction_id, e.global_id FROM ${schema}."${boundary}_orisun_es_event" e'
                            || ' WHERE ' || (req ->> 'p')
                            || ' ORDER BY e.transaction_id DESC, e.global_id DESC LIMIT 1)'
                            || ') c ORDER BY c.tx DESC, c.gid DESC LIMIT 1'
                       INTO actual_tx, actual_gid
                      USING ARRAY(SELECT v.value
                                    FROM jsonb_array_elements_text(req -> 'v') WITH ORDINALITY AS v(value, ord)
                                   ORDER BY v.ord),
                            ev_tx[pend_from + 1 : base], ev_gid[pend_from + 1 : base],
                            event_types[pend_from + 1 : base], ev_data[pend_from + 1 : base];
                END IF;
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
        FOR j IN 1 .. n LOOP
            ev_tx[base + j] := new_tx;
            ev_gid[base + j] := head_gid + j;
        END LOOP;
        pending := pending + n;

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
