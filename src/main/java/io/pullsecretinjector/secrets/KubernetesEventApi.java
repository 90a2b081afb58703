package io.pullsecretinjector.secrets;

import io.fabric8.kubernetes.api.model.events.v1.Event;
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
        // a merge patch of the series alone: no read first, and nothing else of the Event is sent again
        String patch = "{\"series\":{\"count\":" + count + ",\"lastObservedTime\":\"" + lastObservedTime + "\"}}";
        client.events().v1().events().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
}
