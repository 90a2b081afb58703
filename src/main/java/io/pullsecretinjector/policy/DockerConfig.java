package io.pullsecretinjector.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the registry hosts out of a registry Secret's data: the keys of {@code auths} in
 * {@code .dockerconfigjson}, or the top-level keys of the older {@code .dockercfg}. Never looks at,
 * returns or logs the credentials themselves.
 */
public final class DockerConfig {

    /** Secret type of the current format. */
    public static final String TYPE_DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
    /** Secret type of the legacy format. */
    public static final String TYPE_DOCKERCFG = "kubernetes.io/dockercfg";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registry Secret whose data cannot be read; the message is a user-facing sentence that never quotes the data. */
    public static final class UnreadableException extends IllegalArgumentException {
        UnreadableException(String message) {
            super(message);
        }
    }

    private DockerConfig() {
    }

    /**
     * The registries a Secret's data covers.
     *
     * @param type the Secret's type
     * @param data the Secret's data, values base64-encoded as in the API
     * @throws UnreadableException with a user-facing sentence (never the data) when unreadable
     */
    public static List<RegistryPattern> registries(String type, Map<String, String> data) {
        Map<String, String> d = data == null ? Map.of() : data;
        JsonNode hosts;
        if (d.containsKey(".dockerconfigjson")) {
            hosts = decode(d.get(".dockerconfigjson"), ".dockerconfigjson").path("auths");
        } else if (d.containsKey(".dockercfg")) {
            hosts = decode(d.get(".dockercfg"), ".dockercfg");
        } else {
            throw new UnreadableException("has type " + type + " and no .dockerconfigjson or .dockercfg key; "
                    + "create it with kubectl create secret docker-registry, or list the registries in the policy");
        }
        List<RegistryPattern> out = new ArrayList<>();
        for (Iterator<String> it = hosts.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.isBlank()) {
                out.add(RegistryPattern.parse(key));
            }
        }
        return out;
    }

    private static JsonNode decode(String base64, String key) {
        try {
            byte[] raw = Base64.getDecoder().decode(base64 == null ? "" : base64.trim());
            JsonNode node = JSON.readTree(raw);
            if (node == null || !node.isObject()) {
                throw new UnreadableException("has a " + key + " that is not a JSON object; recreate it with kubectl create secret docker-registry");
            }
            return node;
        } catch (UnreadableException e) {
            throw e;
        } catch (IllegalArgumentException | IOException e) {
            // the decoder's or the parser's message could quote the content: never pass it on
            throw new UnreadableException("has a " + key + " that is not base64-encoded JSON; recreate it with kubectl create secret docker-registry");
        }
    }
}
