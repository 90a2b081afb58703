package io.pullsecretinjector.secrets.events;

import io.fabric8.kubernetes.api.model.events.v1.Event;

/**
 * The {@code events.k8s.io/v1} calls the injector makes, and nothing more: create an Event, and
 * patch the series of one it created. RBAC grants exactly create and patch. Failures are thrown as
 * {@link io.fabric8.kubernetes.client.KubernetesClientException}.
 */
public interface EventApi {

    /** Creates the Event in its namespace. */
    void create(Event event);

    /** Sets the series of an Event this replica created: {@code count} occurrences, the last at {@code lastObservedTime}. */
    void patchSeries(String namespace, String name, int count, String lastObservedTime);
}
