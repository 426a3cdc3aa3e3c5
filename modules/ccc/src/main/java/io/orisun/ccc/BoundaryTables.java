package io.orisun.ccc;

import io.orisun.api.BoundarySpec;

/**
 * The qualified, quoted names of one boundary's database objects, derived once from its validated spec so that
 * no other class concatenates identifiers.
 */
record BoundaryTables(BoundarySpec spec, String events, String head, String saveBatch, String writerLockKey,
                      String lastPublished, String projectorCheckpoints) {

    static BoundaryTables of(BoundarySpec spec) {
        String prefix = BoundarySpec.quote(BoundarySpec.requireIdentifier("schema", spec.schema())) + ".";
        String name = BoundarySpec.requireBoundaryName(spec.name());
        return new BoundaryTables(spec,
                prefix + BoundarySpec.quote(name + "_orisun_es_event"),
                prefix + BoundarySpec.quote(name + "_orisun_es_head"),
                prefix + BoundarySpec.quote(name + "_orisun_save_batch"),
                prefix + BoundarySpec.quote(name + "_orisun_writer_lock_key"),
                prefix + BoundarySpec.quote(name + "_orisun_last_published_event_position"),
                prefix + BoundarySpec.quote(name + "_projector_checkpoint"));
    }

    String boundary() {
        return spec.name();
    }
}
