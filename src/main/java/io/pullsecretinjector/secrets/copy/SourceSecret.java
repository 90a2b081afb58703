package io.pullsecretinjector.secrets.copy;

import io.fabric8.kubernetes.api.model.Secret;
import io.pullsecretinjector.policy.DockerConfig;
import io.pullsecretinjector.policy.RegistryPattern;
import java.util.List;
import java.util.Map;

/**
 * A source Secret as read from the API server, with what the injector derives from it.
 * {@link #toString()} never shows the data.
 *
 * @param namespace          its namespace
 * @param name               its name
 * @param type               its type, copied as is
 * @param data               its data (base64 values), copied as is
 * @param hash               content hash of type and data, written on copies to tell current from stale
 * @param registries         the hosts in its auths (empty when unreadable, see {@code registriesProblem})
 * @param registriesProblem  why its auths could not be read, or null
 */
public record SourceSecret(String namespace, String name, String type, Map<String, String> data, String hash,
                           List<RegistryPattern> registries, String registriesProblem) {

    public SourceSecret {
        data = data == null ? Map.of() : Map.copyOf(data);
        registries = List.copyOf(registries);
    }

    /** The source as the API server returned it, with the registries of its auths (or why they cannot be read). */
    public static SourceSecret from(Secret s) {
        String ns = s.getMetadata().getNamespace();
        String name = s.getMetadata().getName();
        List<RegistryPattern> registries = List.of();
        String problem = null;
        try {
            registries = DockerConfig.registries(s.getType(), s.getData());
        } catch (IllegalArgumentException e) {
            problem = "source secret " + ns + "/" + name + " " + e.getMessage();
        }
        return new SourceSecret(ns, name, s.getType(), s.getData(), ContentHash.of(s.getType(), s.getData()), registries, problem);
    }

    public String ref() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        return "SourceSecret[" + ref() + ", type=" + type + ", keys=" + data.keySet() + ", hash=" + hash + "]";
    }
}
