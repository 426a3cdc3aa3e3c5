-- One unconditional save of one event, straight through the save function of boundary orisun_test_1 in schema
-- public (pgbench -n -M prepared -f ...).
SELECT * FROM public.orisun_test_1_orisun_save_batch(jsonb_build_array(jsonb_build_object('n',1)), ARRAY[gen_random_uuid()::text], ARRAY['BenchmarkEvent'], ARRAY['{"benchmark_context":"x","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'], ARRAY['{}']);
