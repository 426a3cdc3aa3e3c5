package io.orisun.server;

import io.orisun.server.observe.ObservedEventLog;
import io.orisun.server.observe.Tracing;
import io.orisun.server.web.Dashboard;
import io.orisun.server.web.Profiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.AppendCondition;
import io.orisun.api.Criterion;
import io.orisun.api.InvalidRequest;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small parsers and shapes behind the metrics, the dashboard and the profiling endpoints. */
class OperationsInputTest {

    @Test
    void a_bare_collector_endpoint_gets_the_otlp_http_traces_path_and_a_url_with_a_path_is_kept() {
        assertThat(Tracing.endpointUrl("localhost:4318")).isEqualTo("http://localhost:4318/v1/traces");
        assertThat(Tracing.endpointUrl("https://otel.example:4318")).isEqualTo("https://otel.example:4318/v1/traces");
        assertThat(Tracing.endpointUrl("http://c:4318/custom")).isEqualTo("http://c:4318/custom");
    }

    @Test
    void utf8_lengths_are_counted_without_encoding() {
        for (String text : new String[] {"", "plain", "é", "€", "😀 and ü"}) {
            long expected = text.getBytes(StandardCharsets.UTF_8).length;
            assertThat(ObservedEventLog.utf8Length(text)).as("length of %s", text).isEqualTo(expected);
        }
    }

    @Test
    void a_conflict_shape_is_the_sorted_keys_of_each_criterion() {
        Query query = new Query(java.util.List.of(
                Criterion.of(new Tag("username", "a"), new Tag("tenant", "t")), Criterion.of(new Tag("email", "x"))));
        assertThat(ObservedEventLog.shape(new AppendCondition.ContextUnchanged(query, Position.NONE)))
                .isEqualTo("email|tenant,username");
        assertThat(ObservedEventLog.shape(new AppendCondition.ContextUnchanged(Query.all(), Position.NONE)))
                .isEqualTo("all");
    }

    @Test
    void a_dashboard_criterion_is_key_value_pairs_and_anything_else_is_invalid() {
        assertThat(Dashboard.criterion("eventType=Placed, region = eu").tags())
                .containsExactly(new Tag("eventType", "Placed"), new Tag("region", "eu"));
        assertThatThrownBy(() -> Dashboard.criterion("no-equals")).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> Dashboard.criterion("=x")).isInstanceOf(InvalidRequest.class);
    }

    @Test
    void the_sign_in_form_and_the_session_cookie_are_parsed() {
        assertThat(Dashboard.form("username=ad%C3%A9&password=a%26b%3Dc&x"))
                .isEqualTo(Map.of("username", "adé", "password", "a&b=c"));
        assertThat(Dashboard.sessionCookie("theme=dark; orisun_session=abc.def; other=1")).hasValue("abc.def");
        assertThat(Dashboard.sessionCookie("orisun_session=")).isEmpty();
        assertThat(Dashboard.sessionCookie("xorisun_session=abc")).isEmpty();
    }

    @Test
    void basic_credentials_are_decoded_and_malformed_headers_are_ignored() {
        String header = "Basic " + Base64.getEncoder().encodeToString("admin:pa:ss".getBytes(StandardCharsets.UTF_8));
        assertThat(Profiling.basic(header)).hasValueSatisfying(b -> {
            assertThat(b.username()).isEqualTo("admin");
            assertThat(b.password()).isEqualTo("pa:ss");
        });
        assertThat(Profiling.basic("Bearer token")).isEmpty();
        assertThat(Profiling.basic("Basic !!!")).isEmpty();
        assertThat(Profiling.basic("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes()))).isEmpty();
    }
}
