package io.pullsecretinjector.secrets.events;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link EventApi} over the fabric8 client. */
@ApplicationScoped
public class KubernetesEventApi implements EventApi {

    private final KubernetesClient client;

    public KubernetesEventApi(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public void create(Event event) {
        client.events().v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    }

    @Override
    public void patchSeries(String namespace, String name, int count, String lastObservedTime) {
        // A merge patch of the series alone, sent as an object: fabric8's patch with a String body
        // GETs the Event first, a call the chart's RBAC does not grant (events: create and patch).
        Event series = new EventBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSeries().withCount(count).withLastObservedTime(new MicroTime(lastObservedTime)).endSeries()
                .build();
        client.events().v1().events().resource(series).patch(PatchContext.of(PatchType.JSON_MERGE));
    }
}
