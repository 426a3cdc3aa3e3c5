-- One save of one event, conditional on a new context value, straight through the save function of boundary
-- orisun_test_1 in schema public (pgbench -n -M prepared -f ...).
SELECT * FROM public.orisun_test_1_orisun_save_batch(jsonb_build_array(jsonb_build_object('n',1,'e',jsonb_build_array(-1,-1),'p','((data->>''benchmark_context'' = c.v[1]))','v',jsonb_build_array(gen_random_uuid()::text))), ARRAY[gen_random_uuid()::text], ARRAY['BenchmarkEvent'], ARRAY['{"benchmark_context":"x","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'], ARRAY['{}']);
