package io.orisun.server.observe;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's meters, exposed in the Prometheus text format on the admin port's {@code /metrics}. It owns the
 * registry and the JVM and process binders; the event log, the RPC interceptor, the connection pools and the
 * log sampler register their own meters in {@link #registry()}. Closing it stops the binders that hold threads or
 * notification listeners.
 */
public final class NodeMetrics implements AutoCloseable {

    /** The range of the latency histograms' buckets: below and above it, only the first and the last bucket count. */
    static final Duration MIN_LATENCY = Duration.ofNanos(100_000);
    static final Duration MAX_LATENCY = Duration.ofSeconds(60);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final List<Runnable> beforeScrape = new ArrayList<>();

    public NodeMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Publishes the pool's {@code hikaricp_connections_*} meters; call before the pool opens its first connection. */
    public MicrometerMetricsTrackerFactory poolMetrics() {
        return new MicrometerMetricsTrackerFactory(registry);
    }

    /** Runs {@code refresh} before every scrape, for gauges that are cheaper to sample together. */
    public void beforeScrape(Runnable refresh) {
        synchronized (beforeScrape) {
            beforeScrape.add(refresh);
        }
    }

    /** Every meter in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        synchronized (beforeScrape) {
            beforeScrape.forEach(Runnable::run);
        }
        return registry.scrape();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable binder : binders) {
            binder.close();
        }
        registry.close();
    }
}
