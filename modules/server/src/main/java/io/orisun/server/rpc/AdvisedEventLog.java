package io.orisun.server.rpc;

import io.orisun.api.AppendCondition;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.Position;
import io.orisun.api.ReadRequest;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.index.IndexAdvisor;
import java.util.List;

/**
 * The event log as the RPCs use it: every read, latest-by-criteria and conditional save also tells the index
 * advisor which criterion shape it ran, so that shapes without a covering index can be reported. The advisor only
 * counts in memory, so this adds no I/O to the hot paths.
 */
public final class AdvisedEventLog implements EventLog {

    private final EventLog log;
    private final IndexAdvisor advisor;

    public AdvisedEventLog(EventLog log, IndexAdvisor advisor) {
        this.log = log;
        this.advisor = advisor;
    }

    @Override
    public SaveResult save(SaveRequest request) {
        SaveResult result = log.save(request);
        if (request.condition() instanceof AppendCondition.ContextUnchanged context) {
            advisor.executed(request.boundary(), context.query());
        }
        return result;
    }

    @Override
    public List<Event> read(ReadRequest request) {
        List<Event> events = log.read(request);
        advisor.executed(request.boundary(), request.query());
        return events;
    }

    @Override
    public LatestByCriteria latest(String boundary, List<Criterion> criteria) {
        LatestByCriteria latest = log.latest(boundary, criteria);
        for (Criterion criterion : criteria) {
            advisor.executed(boundary, criterion);
        }
        return latest;
    }

    @Override
    public long count(String boundary) {
        return log.count(boundary);
    }

    @Override
    public Position head(String boundary) {
        return log.head(boundary);
    }
}
