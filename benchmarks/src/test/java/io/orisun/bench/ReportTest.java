package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static Tally.Totals totals(double seconds, long requests, long events, long... latenciesMicros) {
        Histogram latency = new Histogram(3);
        for (long micros : latenciesMicros) {
            latency.recordValue(micros);
        }
        return new Tally.Totals(seconds, requests, events, 0, 0, latency, Map.of(), WarmUp.Outcome.NONE,
                ProcessCpu.Use.NONE);
    }

    @Test
    void reports_throughput_latency_and_the_ratios_to_the_baselines() {
        Scenario scenario = Scenario.parse("write-conditional-1");
        ResultRow row = new ResultRow(scenario, 4, totals(2.0, 2000, 2000, 1000, 2000, 3000),
                Optional.of(totals(2.0, 4000, 4000, 500)), 1000, Optional.of(totals(2.0, 20, 20_000, 90_000)),
                Optional.empty());

        String csv = Report.csv(List.of(row));

        assertThat(csv.lines().toList()).hasSize(2);
        assertThat(csv.lines().skip(1).findFirst().orElseThrow())
                .startsWith("write-conditional-1,4,1000,1000,2.00,3.00,3.00,0,0,2000,0.50,1000,10000,0.10,,,");
        assertThat(Report.table(List.of(row))).contains("ratio_1commit").doesNotContain("delivery_p99_ms");
        assertThat(Report.json(Map.of("target", "localhost:5005"), List.of(row)))
                .contains("\"target\": \"localhost:5005\"", "\"ratio_1commit\": 0.500", "\"delivery\": null");
    }

    @Test
    void reports_the_warm_up_its_cold_figures_and_the_cpu_per_event_of_each_process() {
        Scenario scenario = Scenario.parse("write-conditional-1");
        Tally.Totals cold = totals(3.0, 300, 300, 4000);
        Tally.Totals measured = totals(2.0, 2000, 2000, 1000)
                .with(new WarmUp.Outcome(12.4, false, Optional.of(cold)),
                        new ProcessCpu.Use(Map.of("server", 150.0, "postgres", 160.0, "nats", 60.0, "tool", 90.0)));
        ResultRow row = ResultRow.of(scenario, 64, measured);

        String csv = Report.csv(List.of(row));
        List<String> header = List.of(csv.lines().findFirst().orElseThrow().split(",", -1));
        List<String> cells = List.of(csv.lines().skip(1).findFirst().orElseThrow().split(",", -1));

        assertThat(cells.get(header.indexOf("warmup_s"))).as("a warm-up that ran out of time is marked").isEqualTo("12*");
        assertThat(cells.get(header.indexOf("cold_ev/s"))).isEqualTo("100");
        assertThat(cells.get(header.indexOf("cold_p99_ms"))).isEqualTo("4.00");
        assertThat(cells.get(header.indexOf("cpu_us/ev_server"))).isEqualTo("150.0");
        assertThat(cells.get(header.indexOf("cpu_us/ev_store"))).as("server, PostgreSQL and NATS").isEqualTo("370.0");
        assertThat(cells.get(header.indexOf("cpu_us/ev_tool"))).isEqualTo("90.0");
        assertThat(Report.json(Map.of(), List.of(row)))
                .contains("\"warmup\": {\"seconds\": 12.4, \"steady\": false, \"cold\": {", "\"server\": 150.000");
    }
}
