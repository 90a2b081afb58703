package io.pullsecretinjector.secrets.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Event calls as the API server receives them: only the verbs the chart grants (create, patch). */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesEventApiTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void aRepeatIsOnePatchOfTheSeriesWithNoReadFirst() throws Exception {
        KubernetesEventApi api = new KubernetesEventApi(client);
        api.create(new EventBuilder().withNewMetadata().withNamespace("team-a").withName("regcred.1").endMetadata()
                .withNewRegarding().withKind("Secret").withNamespace("team-a").withName("regcred").endRegarding()
                .withReason("ForeignSecret").withNote("not ours").withType("Warning").withAction("Reference")
                .withReportingController("pullsecret-injector.io/injector").withReportingInstance("replica-a")
                .withEventTime(new MicroTime("2026-12-02T10:00:00.000000Z")).build());
        int before = server.getRequestCount();

        api.patchSeries("team-a", "regcred.1", 7, "2026-12-02T10:05:00.000000Z");

        List<String> calls = new ArrayList<>();
        for (int i = 0; i < before; i++) {
            server.takeRequest(1, TimeUnit.SECONDS);
        }
        for (RecordedRequest r; (r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null; ) {
            calls.add(r.getMethod() + " " + r.getPath());
        }
        assertThat(calls).containsExactly("PATCH /apis/events.k8s.io/v1/namespaces/team-a/events/regcred.1");
        Event stored = client.events().v1().events().inNamespace("team-a").withName("regcred.1").get();
        assertThat(stored.getSeries().getCount()).isEqualTo(7);
        assertThat(stored.getSeries().getLastObservedTime().getTime()).isEqualTo("2026-12-02T10:05:00.000000Z");
        assertThat(stored.getNote()).as("the rest of the Event is kept").isEqualTo("not ours");
    }
}
