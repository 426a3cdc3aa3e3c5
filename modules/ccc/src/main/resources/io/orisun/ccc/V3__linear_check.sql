-- The save function of boundary ${boundary} in schema ${schema}, version 3: the cost of a consistency check grows
-- linearly with the number of criteria and tags, and a large check can be moved out of the writer lock. Same
-- placeholders as V1__event_log.sql; arguments, result rows, outcomes and guarantees are those of version 2
-- (V2__set_based_save.sql).
--
-- What changed, and why:
--   * A request's values are the jsonb array c.v of the row c that stands for the request, and a predicate refers
--     to value i as (c.v ->> i) (CriteriaSql.Binding.ROW). Version 2 unpacked them into a text array and referred
--     to c.v[i]; the planner pulled the sub-select that built c up into the lateral lookup, so every reference
--     unpacked the whole list again, and a subscript into a text array walks the array from its start besides:
--     the cost of one check grew with the square of its number of values (about 2 s for 100 one-tag criteria over
--     100,000 events, over 120 s for 1,000). The sub-select that builds c is now fenced with OFFSET 0, so c.v is
--     computed once per request and each reference is one jsonb element access.
--   * Only the committed-context lookups of short predicates (at most 4,096 characters of SQL) are kept as prepared
--     statements of the session: a long predicate is rare, and 64 plans of a thousand criteria each would hold a
--     lot of memory in every session for no gain. A long one runs as a one-off statement.
--   * A request may carry a hint "h": [head_tx, head_gid, found_tx, found_gid], the boundary's head and the newest
--     event of its context as the caller read them, in one statement and before this call, without the writer
--     lock (PgEventLog does this for large checks), and its criteria "q": [[[kind, key, value], ...], ...], kind
--     'd' for a payload key and 't' for the event type (key ''). Such a request's committed context is then the
--     newest of that event and of the events after that head that match: only the events committed since the
--     caller's read are examined under the lock, which keeps the lock's hold short however large the check is.
--     Events are never removed and positions follow commit order, so no event can appear at or before a head once
--     it is visible.
--
-- Must run at READ COMMITTED, like versions 1 and 2.

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
    hint          record;
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
               jsonb_agg(jsonb_build_object('k', h.k, 'v', h.header -> 'v') ORDER BY h.k) AS rows,
               jsonb_agg(jsonb_build_object('k', h.k, 'v', h.header -> 'v') ORDER BY h.k)
                   FILTER (WHERE NOT h.header ? 'h') AS lookup_rows,
               jsonb_agg(jsonb_build_object('k', h.k, 'h', h.header -> 'h', 'q', h.header -> 'q') ORDER BY h.k)
                   FILTER (WHERE h.header ? 'h') AS hinted_rows
          FROM jsonb_array_elements(requests) WITH ORDINALITY AS h(header, k)
         WHERE h.header ? 'e' AND h.header ? 'p'
         GROUP BY h.header ->> 'p'
    LOOP
        -- OFFSET 0 keeps c a row source of its own: see "What changed" above.
        checks := '(SELECT (r ->> ''k'')::integer AS k, r -> ''v'' AS v, r -> ''h'' AS h'
               || ' FROM jsonb_array_elements($1) AS r OFFSET 0) c';
        IF grp.lookup_rows IS NOT NULL AND length(grp.p) <= 4096 THEN
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
            PERFORM set_config('orisun.check_rows', grp.lookup_rows::text, true);
            EXECUTE 'EXECUTE ' || quote_ident(lookup) INTO got_k, got_tx, got_gid;
        ELSIF grp.lookup_rows IS NOT NULL THEN
            EXECUTE 'SELECT array_agg(c.k ORDER BY c.k), array_agg(x.tx ORDER BY c.k), array_agg(x.gid ORDER BY c.k)'
                    || ' FROM ' || checks
                    || ' LEFT JOIN LATERAL (SELECT e.transaction_id AS tx, e.global_id AS gid'
                    || ' FROM ${schema}."${boundary}_orisun_es_event" e WHERE ' || grp.p
                    || ' ORDER BY e.transaction_id DESC, e.global_id DESC LIMIT 1) x ON true'
               INTO got_k, got_tx, got_gid
              USING grp.lookup_rows;
        END IF;
        IF grp.lookup_rows IS NOT NULL THEN
            FOR j IN 1 .. cardinality(got_k) LOOP
                c_tx[got_k[j]] := coalesce(got_tx[j], -1);
                c_gid[got_k[j]] := coalesce(got_gid[j], -1);
            END LOOP;
        END IF;
        IF grp.hinted_rows IS NOT NULL THEN
            -- The caller's read covered the log up to the head it saw; only the events committed since are examined.
            -- They are matched by joining their top-level pairs (jsonb_each_text gives the text that ->> gives) and
            -- their type with the tags of the criteria: a criterion matches an event when all of its tags do. The
            -- cost is linear in those events' keys plus the tags, not their product, which an OR of the criteria
            -- would cost. EXECUTE plans it with the actual head, so that the primary key's range serves it; both sides
            -- are materialized so that no estimate can turn the join into a loop over the tags.
            FOR hint IN
                SELECT (r ->> 'k')::integer AS k, r -> 'q' AS q,
                       (r -> 'h' ->> 0)::bigint AS seen_tx, (r -> 'h' ->> 1)::bigint AS seen_gid,
                       (r -> 'h' ->> 2)::bigint AS found_tx, (r -> 'h' ->> 3)::bigint AS found_gid
                  FROM jsonb_array_elements(grp.hinted_rows) AS r
            LOOP
                c_tx[hint.k] := hint.found_tx;
                c_gid[hint.k] := hint.found_gid;
                IF hint.seen_gid < head_gid THEN
                    EXECUTE 'WITH p AS MATERIALIZED ('
                            || ' SELECT e.transaction_id AS tx, e.global_id AS gid, ''d'' AS kind, kv.key, kv.value'
                            || ' FROM ${schema}."${boundary}_orisun_es_event" e CROSS JOIN LATERAL jsonb_each_text(e.data) kv'
                            || ' WHERE (e.transaction_id, e.global_id) > ($2, $3)'
                            || ' UNION ALL SELECT e.transaction_id, e.global_id, ''t'', '''', e.event_type'
                            || ' FROM ${schema}."${boundary}_orisun_es_event" e'
                            || ' WHERE (e.transaction_id, e.global_id) > ($2, $3)),'
                            || ' t AS MATERIALIZED (SELECT c.ord AS crit, jsonb_array_length(c.tags) AS n,'
                            || ' x ->> 0 AS kind, x ->> 1 AS key, x ->> 2 AS value'
                            || ' FROM jsonb_array_elements($1) WITH ORDINALITY AS c(tags, ord),'
                            || ' jsonb_array_elements(c.tags) AS x)'
                            || ' SELECT p.tx, p.gid FROM p JOIN t ON t.kind = p.kind AND t.key = p.key AND t.value = p.value'
                            || ' GROUP BY p.tx, p.gid, t.crit, t.n HAVING count(*) = t.n'
                            || ' ORDER BY p.tx DESC, p.gid DESC LIMIT 1'
                       INTO actual_tx, actual_gid
                      USING hint.q, hint.seen_tx, hint.seen_gid;
                    IF actual_tx IS NOT NULL THEN
                        c_tx[hint.k] := actual_tx;
                        c_gid[hint.k] := actual_gid;
                    END IF;
                END IF;
            END LOOP;
        END IF;
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
