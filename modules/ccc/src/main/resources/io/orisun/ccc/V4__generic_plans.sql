-- The save function of boundary ${boundary} in schema ${schema}, version 4: its static statements are planned once
-- per session. Same placeholders as V1__event_log.sql; body, arguments, result rows, outcomes and guarantees are
-- those of version 3 (V3__linear_check.sql).
--
-- Why: PL/pgSQL keeps a plan for each static statement and, once it has a generic plan, compares its estimated cost
-- with that of the plans made for the actual arguments. For the lookup of stored event ids (= ANY over the id
-- array, beside a window over the batch), the generic plan is costed for an array of unknown length and always
-- lost: every call planned that statement again, which took about 150 us of a one-save flush, more than running
-- it. The generic plans of all these statements are the plans a custom one picks (the unique and primary-key
-- indexes, unnest row by row), so the function now always uses them. The statements it builds at run time
-- (EXECUTE of a predicate text) are one-off statements and are still planned with their values.

ALTER FUNCTION ${schema}."${boundary}_orisun_save_batch"(jsonb, text[], text[], text[], text[])
    SET plan_cache_mode = force_generic_plan;
