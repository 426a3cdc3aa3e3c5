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
--     end, or before a replay check.
--   * Tagged conditions ("p") are checked before the loop, two statements per distinct predicate text (a flush of
--     saves of one shape has one): one finds the newest committed event of every such request's context, the other
--     every event of an earlier request in the batch that matches it. The loop then takes, for each request, the
--     newest of those earlier events that was accepted, or else the committed one: the newest event of its context
--     in the log as it stands when the request's turn comes, as version 1 found by querying after each INSERT.
--     A condition without tags compares with the head, which the loop keeps current.
--   * The predicate refers to its values as c.v[i], the text array column of the row c that stands for the request
--     (see CriteriaSql.Binding.ARRAY), so that one statement can serve many requests.
--   * The committed-context lookup of each predicate text is a prepared statement of the database session, named
--     after a hash of the boundary and the predicate, prepared on first use and found again in
--     pg_prepared_statements, so that it is not parsed and planned on every call (for a flush of one conditional
--     request, that planning was most of what it cost more than an unconditional one: benchmarks/README.md,
--     "Findings"). Its rows (request numbers and values) do not become SQL text: they travel in the
--     transaction-local setting orisun.check_rows, which the statement reads with current_setting. A session keeps
--     at most 64 such statements; beyond that it drops them (only those) and starts again. PostgreSQL re-plans a
--     prepared statement itself when the event table or its indexes change. Preparing and executing happen inside
--     one call, so this also holds behind a transaction-mode pooler.
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
    req_start     integer[];
    c_tx          bigint[];
    c_gid         bigint[];
    pair_k        integer[];
    pair_i        integer[];
    pair_at       integer := 1;
    groups        integer := 0;
    grp           record;
    grp_old       record;
    got_k         integer[];
    got_tx        bigint[];
    got_gid       bigint[];
    got_i         integer[];
    checks        text;
    lookup        text;
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

    -- The events (1-based, ascending) whose id is stored already or repeats an earlier event of this batch. The
    -- stored ids are looked up with = ANY, which the unique index serves whatever the planner guesses about the
    -- batch; a semi-join on unnest() was estimated at 100 rows and sometimes scanned the whole table.
    SELECT array_agg(r.i ORDER BY r.i) INTO seen
      FROM (SELECT u.id, u.i, row_number() OVER (PARTITION BY u.id ORDER BY u.i) AS nth
              FROM unnest(event_ids) WITH ORDINALITY AS u(id, i)) r
      LEFT JOIN (SELECT e.event_id
                   FROM ${schema}."${boundary}_orisun_es_event" e
                  WHERE e.event_id = ANY (event_ids)) s ON s.event_id = r.id
     WHERE r.nth > 1 OR s.event_id IS NOT NULL;

    -- The tagged conditions, grouped by predicate text. c_tx/c_gid[k]: the newest committed event of request k's
    -- context, or (-1, -1). pair_k/pair_i: every (request, earlier event of the batch) pair where the event matches
    -- the request's context, by request, then newest event first.
    c_tx := array_fill(NULL::bigint, ARRAY[request_count]);
    c_gid := array_fill(NULL::bigint, ARRAY[request_count]);
    IF request_count > 1 THEN
        SELECT array_agg(s.start ORDER BY s.k) INTO req_start
          FROM (SELECT h.k,
                       (sum((h.header ->> 'n')::integer) OVER (ORDER BY h.k) - (h.header ->> 'n')::integer)::integer
                           AS start
                  FROM jsonb_array_elements(requests) WITH ORDINALITY AS h(header, k)) s;
    END IF;
    FOR grp IN
        SELECT h.header ->> 'p' AS p,
               jsonb_agg(jsonb_build_object('k', h.k, 'v', h.header -> 'v') ORDER BY h.k) AS rows
          FROM jsonb_array_elements(requests) WITH ORDINALITY AS h(header, k)
         WHERE h.header ? 'e' AND h.header ? 'p'
         GROUP BY h.header ->> 'p'
    LOOP
        checks := '(SELECT (r ->> ''k'')::integer AS k,'
               || ' ARRAY(SELECT t.value FROM jsonb_array_elements_text(r -> ''v'') WITH ORDINALITY AS t(value, ord)'
               || ' ORDER BY t.ord) AS v FROM jsonb_array_elements($1) AS r) c';
        lookup := 'orisun_check_' || md5('${schema}.${boundary}:' || grp.p);
        IF NOT EXISTS (SELECT 1 FROM pg_prepared_statements s WHERE s.name = lookup) THEN
            IF (SELECT count(*) FROM pg_prepared_statements s WHERE s.name LIKE 'orisun\_check\_%') >= 64 THEN
                FOR grp_old IN SELECT s.name FROM pg_prepared_statements s WHERE s.name LIKE 'orisun\_check\_%' LOOP
                    EXECUTE 'DEALLOCATE ' || quote_ident(grp_old.name);
                END LOOP;
            END IF;
            EXECUTE 'PREPARE ' || quote_ident(lookup) || ' AS'
                    || ' SELECT array_agg(c.k ORDER BY c.k), array_agg(x.tx ORDER BY c.k), array_agg(x.gid ORDER BY c.k)'
                    || ' FROM ' || replace(checks, '$1', 'current_setting(''orisun.check_rows'')::jsonb')
                    || ' LEFT JOIN LATERAL (SELECT e.transaction_id AS tx, e.global_id AS gid'
                    || ' FROM ${schema}."${boundary}_orisun_es_event" e WHERE ' || grp.p
                    || ' ORDER BY e.transaction_id DESC, e.global_id DESC LIMIT 1) x ON true';
        END IF;
        PERFORM set_config('orisun.check_rows', grp.rows::text, true);
        EXECUTE 'EXECUTE ' || quote_ident(lookup) INTO got_k, got_tx, got_gid;
        FOR j IN 1 .. cardinality(got_k) LOOP
            c_tx[got_k[j]] := coalesce(got_tx[j], -1);
            c_gid[got_k[j]] := coalesce(got_gid[j], -1);
        END LOOP;
        IF request_count > 1 THEN
            EXECUTE 'SELECT array_agg(c.k ORDER BY c.k, b.i DESC), array_agg(b.i ORDER BY c.k, b.i DESC)'
                    || ' FROM ' || checks
                    || ' JOIN (SELECT u.event_type, u.data, u.i::integer AS i'
                    || ' FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS u(event_type, data, i)) b'
                    || ' ON b.i <= ($4::integer[])[c.k] AND ' || grp.p
               INTO got_k, got_i
              USING grp.rows, event_types, ev_data, req_start;
            IF got_k IS NOT NULL THEN
                pair_k := coalesce(pair_k, '{}') || got_k;
                pair_i := coalesce(pair_i, '{}') || got_i;
                groups := groups + 1;
            END IF;
        END IF;
    END LOOP;
    IF groups > 1 THEN
        SELECT array_agg(t.k ORDER BY t.k, t.i DESC), array_agg(t.i ORDER BY t.k, t.i DESC)
          INTO pair_k, pair_i
          FROM unnest(pair_k, pair_i) AS t(k, i);
    END IF;

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

        IF pending > 0 AND (k > request_count OR hit) THEN
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
                actual_tx := c_tx[k];
                actual_gid := c_gid[k];
                WHILE pair_k IS NOT NULL AND pair_at <= cardinality(pair_k) AND pair_k[pair_at] < k LOOP
                    pair_at := pair_at + 1;
                END LOOP;
                -- Accepted events of the batch are newer than every committed one, so the newest accepted match wins.
                j := pair_at;
                WHILE pair_k IS NOT NULL AND j <= cardinality(pair_k) AND pair_k[j] = k LOOP
                    IF ev_tx[pair_i[j]] IS NOT NULL THEN
                        actual_tx := ev_tx[pair_i[j]];
                        actual_gid := ev_gid[pair_i[j]];
                        EXIT;
                    END IF;
                    j := j + 1;
                END LOOP;
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
