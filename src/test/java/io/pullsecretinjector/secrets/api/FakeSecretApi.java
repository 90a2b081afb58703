package io.pullsecretinjector.secrets.api;

import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An in-memory {@link SecretApi} that records every call and can be told to fail; also the
 * namespaces' labels ({@link NamespaceLabels}), where a read is a call ({@code "get namespace/x"})
 * and what the watch delivered is memory.
 */
public class FakeSecretApi implements SecretApi, NamespaceLabels {

    /** Labels of the namespaces that exist, by name. */
    public final Map<String, Map<String, String>> namespaceLabels = new ConcurrentHashMap<>();
    /** The namespaces the watch has delivered: their labels are read from memory, with no call. */
    public final java.util.Set<String> watched = ConcurrentHashMap.newKeySet();

    /** Every call, as {@code "get ns/name"}, {@code "create ns/name"}, {@code "update ns/name"}. */
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    /** When set, called before each call with its description; a non-null code makes the call fail with it. */
    public volatile Function<String, Integer> failWith = call -> null;
    private long version = 1;

    /** The calls so far; API threads of timed-out reviews may still be adding, so assert on this, not on {@link #calls}. */
    public List<String> snapshot() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public synchronized FakeSecretApi put(Secret secret) {
        Secret s = new SecretBuilder(secret).editOrNewMetadata().withResourceVersion(Long.toString(version++)).endMetadata().build();
        secrets.put(key(s), s);
        return this;
    }

    @Override
    public Secret get(String namespace, String name) {
        record("get " + namespace + "/" + name);
        return secrets.get(namespace + "/" + name);
    }

    // failWith runs outside the lock: a slow or hung write (as tests script it) must not hold up
    // writes to other Secrets, as it would not on a real API server
    @Override
    public Secret create(Secret secret) {
        record("create " + key(secret));
        synchronized (this) {
            if (secrets.containsKey(key(secret))) {
                throw new KubernetesClientException(new StatusBuilder().withCode(409).withReason("AlreadyExists").build());
            }
            put(secret);
            return secrets.get(key(secret));
        }
    }

    @Override
    public Secret update(Secret secret) {
        record("update " + key(secret));
        synchronized (this) {
            Secret current = secrets.get(key(secret));
            if (current == null || !current.getMetadata().getResourceVersion().equals(secret.getMetadata().getResourceVersion())) {
                throw new KubernetesClientException(new StatusBuilder().withCode(409).withReason("Conflict").build());
            }
            put(secret);
            return secrets.get(key(secret));
        }
    }

    /** Deletes only at the resourceVersion given, as the precondition does; 409 when it changed. */
    @Override
    public boolean delete(Secret secret) {
        record("delete " + key(secret));
        synchronized (this) {
            Secret current = secrets.get(key(secret));
            if (current == null) {
                return false;
            }
            if (!current.getMetadata().getResourceVersion().equals(secret.getMetadata().getResourceVersion())) {
                throw new KubernetesClientException(new StatusBuilder().withCode(409).withReason("Conflict").build());
            }
            return secrets.remove(key(secret)) != null;
        }
    }

    @Override
    public Map<String, String> cached(String namespace) {
        return watched.contains(namespace) ? namespaceLabels.get(namespace) : null;
    }

    @Override
    public Map<String, String> read(String namespace) {
        record("get namespace/" + namespace);
        return namespaceLabels.get(namespace);
    }

    private void record(String call) {
        calls.add(call);
        Integer code = failWith.apply(call);
        if (code != null) {
            throw new KubernetesClientException(new StatusBuilder().withCode(code).withMessage("injected " + code).build());
        }
    }

    public static String key(Secret s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }
}
