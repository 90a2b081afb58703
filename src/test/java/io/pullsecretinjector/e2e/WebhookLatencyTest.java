package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reading the API server's webhook latency histogram, as `make e2e` reports it (pure; runs in `make test`). */
class WebhookLatencyTest {

    private static final String BEFORE = """
            # HELP apiserver_admission_webhook_admission_duration_seconds [STABLE] Admission webhook latency
            # TYPE apiserver_admission_webhook_admission_duration_seconds histogram
            apiserver_admission_webhook_admission_duration_seconds_bucket{name="pods.pullsecret-injector.io",operation="CREATE",rejected="false",type="admit",le="0.005"} 10
            apiserver_admission_webhook_admission_duration_seconds_bucket{name="pods.pullsecret-injector.io",operation="CREATE",rejected="false",type="admit",le="0.025"} 10
            apiserver_admission_webhook_admission_duration_seconds_bucket{name="pods.pullsecret-injector.io",operation="CREATE",rejected="false",type="admit",le="0.1"} 10
            apiserver_admission_webhook_admission_duration_seconds_bucket{name="pods.pullsecret-injector.io",operation="CREATE",rejected="false",type="admit",le="+Inf"} 10
            apiserver_admission_webhook_admission_duration_seconds_bucket{name="other.example.com",operation="CREATE",rejected="false",type="admit",le="0.005"} 99
            apiserver_admission_webhook_admission_duration_seconds_bucket{name="other.example.com",operation="CREATE",rejected="false",type="admit",le="+Inf"} 99
            """;

    @Test
    void the_calls_between_two_readings_give_quantiles_interpolated_inside_their_bucket() {
        String after = BEFORE.replace("le=\"0.005\"} 10", "le=\"0.005\"} 110")
                .replace("le=\"0.025\"} 10", "le=\"0.025\"} 208")
                .replace("le=\"0.1\"} 10", "le=\"0.1\"} 210")
                .replace("le=\"+Inf\"} 10", "le=\"+Inf\"} 210");

        WebhookLatency calls = WebhookLatency.parse(after, "pods.pullsecret-injector.io")
                .since(WebhookLatency.parse(BEFORE, "pods.pullsecret-injector.io"));

        assertThat(calls.count()).isEqualTo(200);
        // 100 calls under 5 ms, 98 between 5 and 25 ms, 2 between 25 and 100 ms
        assertThat(calls.quantile(0.50)).isCloseTo(0.005, within(1e-9));
        assertThat(calls.bucketBound(0.50)).isEqualTo(0.005);
        assertThat(calls.quantile(0.99)).isCloseTo(0.025, within(1e-9));
        assertThat(calls.quantile(0.25)).isCloseTo(0.0025, within(1e-9));
        assertThat(calls.bucketBound(0.999)).isEqualTo(0.1);
    }

    @Test
    void another_webhooks_calls_are_not_counted() {
        assertThat(WebhookLatency.parse(BEFORE, "pods.pullsecret-injector.io").count()).isEqualTo(10);
        assertThat(WebhookLatency.parse(BEFORE, "absent.example.com").count()).isZero();
    }
}
