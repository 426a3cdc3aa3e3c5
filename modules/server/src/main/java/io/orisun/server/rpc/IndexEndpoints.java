package io.orisun.server.rpc;

import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.RequestLimits;
import io.orisun.index.Combinator;
import io.orisun.index.IndexAdmin;
import io.orisun.index.IndexAdvisor;
import io.orisun.index.IndexCondition;
import io.orisun.index.IndexDefinition;
import io.orisun.index.IndexEntry;
import io.orisun.index.IndexField;
import io.orisun.index.IndexState;
import io.orisun.index.ValueType;
import io.orisun.proto.ConditionCombinator;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.CreateIndexResponse;
import io.orisun.proto.DropIndexRequest;
import io.orisun.proto.DropIndexResponse;
import io.orisun.proto.GetIndexRequest;
import io.orisun.proto.GetIndexResponse;
import io.orisun.proto.ListIndexesRequest;
import io.orisun.proto.ListIndexesResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The index RPCs, served identically on {@code orisun.EventStore} and {@code orisun.Admin}.
 *
 * <p>CreateIndex returns once the index is ready, or fails with FAILED_PRECONDITION naming why the build failed.
 * The wire's {@code IndexState} has no failed state: ListIndexes shows a failed index as
 * {@code INDEX_STATE_UNSPECIFIED}, and GetIndex of it answers FAILED_PRECONDITION with the recorded reason. After
 * the recorded indexes, ListIndexes appends the advisor's suggestions: definitions named {@code suggested_...}
 * with state {@code INDEX_STATE_UNSPECIFIED}, one per criterion shape that ran without a usable index.
 */
public final class IndexEndpoints {

    private final IndexAdmin indexes;
    private final IndexAdvisor advisor;
    private final RequestLimits limits;

    /** The RPCs over {@code indexes}, listing the suggestions of {@code advisor} after the recorded indexes. */
    public IndexEndpoints(IndexAdmin indexes, IndexAdvisor advisor, RequestLimits limits) {
        this.indexes = indexes;
        this.advisor = advisor;
        this.limits = limits;
    }

    CreateIndexResponse create(CreateIndexRequest request) {
        List<IndexField> fields = new ArrayList<>(request.getFieldsCount());
        for (int i = 0; i < request.getFieldsCount(); i++) {
            io.orisun.proto.IndexField field = request.getFields(i);
            if (field.getJsonKey().isEmpty()) {
                throw new InvalidRequest("fields[" + i + "].json_key is required");
            }
            limits.checkKey("fields[" + i + "]", field.getJsonKey());
            fields.add(new IndexField(field.getJsonKey(), valueType(field.getValueType(), i)));
        }
        List<IndexCondition> conditions = new ArrayList<>(request.getConditionsCount());
        for (int i = 0; i < request.getConditionsCount(); i++) {
            io.orisun.proto.IndexCondition condition = request.getConditions(i);
            if (condition.getKey().isEmpty()) {
                throw new InvalidRequest("conditions[" + i + "].key is required");
            }
            limits.checkKey("conditions[" + i + "]", condition.getKey());
            limits.checkValue("conditions[" + i + "]", condition.getValue());
            conditions.add(IndexCondition.of(condition.getKey(), condition.getOperator(), condition.getValue()));
        }
        indexes.create(new IndexDefinition(request.getBoundary(), request.getName(), fields, conditions,
                combinator(request.getConditionCombinator())));
        return CreateIndexResponse.getDefaultInstance();
    }

    DropIndexResponse drop(DropIndexRequest request) {
        indexes.drop(request.getBoundary(), request.getName());
        return DropIndexResponse.getDefaultInstance();
    }

    ListIndexesResponse list(ListIndexesRequest request) {
        List<IndexEntry> entries = indexes.list(request.getBoundary());
        ListIndexesResponse.Builder response = ListIndexesResponse.newBuilder();
        for (IndexEntry entry : entries) {
            response.addIndexes(proto(entry.definition(), state(entry.state())));
        }
        for (IndexDefinition suggestion : advisor.suggestions(request.getBoundary(), entries)) {
            response.addIndexes(proto(suggestion, io.orisun.proto.IndexState.INDEX_STATE_UNSPECIFIED));
        }
        return response.build();
    }

    GetIndexResponse get(GetIndexRequest request) {
        IndexEntry entry = indexes.get(request.getBoundary(), request.getName());
        if (entry.state() == IndexState.FAILED) {
            throw new FailedPrecondition(entry.error().orElse("index " + entry.name() + " of boundary "
                    + request.getBoundary() + " failed to build") + "; create it again or drop it");
        }
        return GetIndexResponse.newBuilder().setIndex(proto(entry.definition(), state(entry.state()))).build();
    }

    private static ValueType valueType(io.orisun.proto.ValueType type, int field) {
        return switch (type) {
            case TEXT -> ValueType.TEXT;
            case NUMERIC -> ValueType.NUMERIC;
            case BOOLEAN -> ValueType.BOOLEAN;
            case TIMESTAMPTZ -> ValueType.TIMESTAMPTZ;
            case UNRECOGNIZED -> throw new InvalidRequest("fields[" + field + "].value_type is not one of TEXT,"
                    + " NUMERIC, BOOLEAN, TIMESTAMPTZ");
        };
    }

    private static Combinator combinator(ConditionCombinator combinator) {
        return switch (combinator) {
            case AND -> Combinator.AND;
            case OR -> Combinator.OR;
            case UNRECOGNIZED -> throw new InvalidRequest("condition_combinator is not one of AND, OR");
        };
    }

    private static io.orisun.proto.IndexState state(IndexState state) {
        return switch (state) {
            case BUILDING -> io.orisun.proto.IndexState.INDEX_STATE_BUILDING;
            case READY -> io.orisun.proto.IndexState.INDEX_STATE_READY;
            case FAILED -> io.orisun.proto.IndexState.INDEX_STATE_UNSPECIFIED;
        };
    }

    private static io.orisun.proto.IndexDefinition proto(IndexDefinition definition, io.orisun.proto.IndexState state) {
        io.orisun.proto.IndexDefinition.Builder proto = io.orisun.proto.IndexDefinition.newBuilder()
                .setName(definition.name())
                .setConditionCombinator(definition.combinator() == Combinator.OR ? ConditionCombinator.OR
                        : ConditionCombinator.AND)
                .setState(state);
        for (IndexField field : definition.fields()) {
            proto.addFields(io.orisun.proto.IndexField.newBuilder().setJsonKey(field.jsonKey())
                    .setValueType(switch (field.valueType()) {
                        case TEXT -> io.orisun.proto.ValueType.TEXT;
                        case NUMERIC -> io.orisun.proto.ValueType.NUMERIC;
                        case BOOLEAN -> io.orisun.proto.ValueType.BOOLEAN;
                        case TIMESTAMPTZ -> io.orisun.proto.ValueType.TIMESTAMPTZ;
                    }));
        }
        for (IndexCondition condition : definition.conditions()) {
            proto.addConditions(io.orisun.proto.IndexCondition.newBuilder().setKey(condition.key())
                    .setOperator(condition.operator().symbol()).setValue(condition.value()));
        }
        return proto.build();
    }
}
