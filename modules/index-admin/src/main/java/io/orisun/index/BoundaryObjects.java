package io.orisun.index;

import io.orisun.api.BoundarySpec;

/**
 * The quoted, qualified names of one boundary's objects that index administration touches, derived once from the
 * validated spec so that no other class puts identifiers together.
 *
 * @param events            the event table
 * @param catalog           this module's catalog of the boundary's indexes
 * @param timestampFunction the function that reads text as a timestamp in TIMESTAMPTZ indexes
 */
record BoundaryObjects(BoundarySpec spec, String events, String catalog, String timestampFunction) {

    static BoundaryObjects of(BoundarySpec spec) {
        String prefix = schema(spec) + ".";
        String name = BoundarySpec.requireBoundaryName(spec.name());
        return new BoundaryObjects(spec,
                prefix + BoundarySpec.quote(name + "_orisun_es_event"),
                prefix + BoundarySpec.quote(name + "_orisun_index"),
                prefix + BoundarySpec.quote(name + "_orisun_index_timestamptz"));
    }

    String boundary() {
        return spec.name();
    }

    /** The qualified name of an index of this boundary, from {@link IndexDefinition#physicalName()}. */
    String index(String physicalName) {
        return schema(spec) + "." + BoundarySpec.quote(BoundarySpec.requireIdentifier("index", physicalName));
    }

    /** The text whose hash keys the advisory lock that serializes every change to one index of this boundary. */
    String lockName(String indexName) {
        return spec.schema() + "." + spec.name() + "#index:" + indexName;
    }

    /** The text whose hash keys the advisory lock held while this boundary's catalog is created or upgraded. */
    String catalogLockName() {
        return spec.schema() + "." + spec.name() + "#index-catalog";
    }

    private static String schema(BoundarySpec spec) {
        return BoundarySpec.quote(BoundarySpec.requireIdentifier("schema", spec.schema()));
    }
}
