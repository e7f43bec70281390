package io.jwfp.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmFilter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code --metrics} without live traffic: the address forms, the HTTP side, and what an engine without a live shim
 * exports (filters per layer, a zero hit count per filter, net events). The live counters are JwfpdLiveTest.prometheusMetricsFollowTheTraffic's.
 */
class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void addressesDefaultToLoopbackAndTakeAnAddressOrABracketedV6One() {
        assertThat(MetricsServer.parseAddress("9464")).isEqualTo(new InetSocketAddress("127.0.0.1", 9464));
        assertThat(MetricsServer.parseAddress("0.0.0.0:9100")).isEqualTo(new InetSocketAddress("0.0.0.0", 9100));
        assertThat(MetricsServer.parseAddress("[::1]:9464").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThatThrownBy(() -> MetricsServer.parseAddress("::1:9464")).hasMessageContaining("in brackets");
        assertThatThrownBy(() -> MetricsServer.parseAddress("http")).hasMessageContaining("expected [ADDR:]PORT");
        assertThatThrownBy(() -> MetricsServer.parseAddress("70000")).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> MetricsServer.parseAddress(":80")).hasMessageContaining("no address");
    }

    @Test
    void servesTheEnginesMetricsInTheTextFormat() throws Exception {
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory()) {
            FwpmEngine s = bfe.openSession(FwpmSession.named("metrics test"));
            long id = s.filterAdd(FwpmFilter.builder().name("no-smtp").layer(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                    .action(ActionType.FWP_ACTION_BLOCK).build());
            try (MetricsServer m = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), new JwfpdMetrics(bfe, null))) {
                String base = "http://127.0.0.1:" + m.address().getPort();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                        t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
                Scraped sc = Scraped.parse(r.body());
                assertThat(sc.get("jwfp_filters{layer=\"FWPM_LAYER_ALE_AUTH_CONNECT_V4\"}")).isEqualTo(1);
                assertThat(sc.get("jwfp_filter_hits_total{filter_id=\"" + id + "\",kind=\"decided\",name=\"no-smtp\"}"))
                        .isZero();
                assertThat(sc.get("jwfp_net_events_total")).isZero();
                assertThat(r.body()).contains("# TYPE jwfp_filter_hits_total counter").doesNotContain("jwfp_nfqueue");

                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/other")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(405);
            }
        }
    }
}
