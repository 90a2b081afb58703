package io.pullsecretinjector.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pullsecretinjector.policy.DockerConfig;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.RegistryCredential;
import io.pullsecretinjector.policy.RegistryPattern;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/short-lived-tokens.md is copy-pasted into clusters, so each cloud's YAML is checked here:
 * every field of the generator and of the ExternalSecret is one those kinds have (a field list
 * written from the CRDs of generators.external-secrets.io/v1alpha1 and external-secrets.io/v1),
 * the ExternalSecret runs that very generator and uses only its outputs, its template renders a
 * dockerconfigjson the injector reads for the policy's registry, and the Secret it writes is the
 * source the policy entry names.
 */
class ShortLivedTokensDocTest {

    static final Path DOC = Path.of("docs/short-lived-tokens.md");
    static final YAMLMapper YAML = new YAMLMapper();

    /** Fields each kind's spec has (nested objects as maps; "[]" marks a list of such objects). */
    static final Map<String, Object> SERVICE_ACCOUNT_REF = Map.of("name", "", "namespace", "", "audiences", "");
    static final Map<String, Object> SECRET_KEY_REF = Map.of("name", "", "key", "", "namespace", "");
    static final Map<String, Map<String, Object>> SPEC = Map.of(
            "ECRAuthorizationToken", Map.of("region", "", "role", "", "scope", "",
                    "auth", Map.of("secretRef", Map.of("accessKeyIDSecretRef", SECRET_KEY_REF, "secretAccessKeySecretRef", SECRET_KEY_REF,
                                    "sessionTokenSecretRef", SECRET_KEY_REF),
                            "jwt", Map.of("serviceAccountRef", SERVICE_ACCOUNT_REF))),
            "GCRAccessToken", Map.of("projectID", "",
                    "auth", Map.of("secretRef", Map.of("secretAccessKeySecretRef", SECRET_KEY_REF),
                            "workloadIdentity", Map.of("serviceAccountRef", SERVICE_ACCOUNT_REF, "clusterLocation", "", "clusterName", "",
                                    "clusterProjectID", ""))),
            "ACRAccessToken", Map.of("tenantId", "", "registry", "", "scope", "", "environmentType", "",
                    "auth", Map.of("servicePrincipal", Map.of("secretRef", Map.of("clientId", SECRET_KEY_REF, "clientSecret", SECRET_KEY_REF)),
                            "managedIdentity", Map.of("identityId", ""),
                            "workloadIdentity", Map.of("serviceAccountRef", SERVICE_ACCOUNT_REF))),
            "ExternalSecret", Map.of("refreshInterval", "", "refreshPolicy", "", "secretStoreRef", Map.of("name", "", "kind", ""),
                    "target", Map.of("name", "", "creationPolicy", "", "deletionPolicy", "", "immutable", "",
                            "template", Map.of("type", "", "engineVersion", "", "mergePolicy", "", "metadata", "", "data", "", "templateFrom", "")),
                    "data", "",
                    "dataFrom", List.of(Map.of("sourceRef", Map.of("generatorRef", Map.of("apiVersion", "", "kind", "", "name", ""),
                            "storeRef", Map.of("name", "", "kind", "")), "extract", "", "find", "", "rewrite", ""))));
    static final Map<String, Set<String>> REQUIRED = Map.of(
            "ECRAuthorizationToken", Set.of("region"),
            "GCRAccessToken", Set.of("projectID"),
            "ACRAccessToken", Set.of("registry"),
            "ExternalSecret", Set.of("target", "dataFrom"));
    /** What each generator outputs, for the template. */
    static final Map<String, Set<String>> OUTPUTS = Map.of(
            "ECRAuthorizationToken", Set.of("username", "password", "proxy_endpoint", "expires_at"),
            "GCRAccessToken", Set.of("username", "password", "expiry"),
            "ACRAccessToken", Set.of("username", "password"));
    static final Map<String, String> API_VERSION = Map.of(
            "ECRAuthorizationToken", "generators.external-secrets.io/v1alpha1",
            "GCRAccessToken", "generators.external-secrets.io/v1alpha1",
            "ACRAccessToken", "generators.external-secrets.io/v1alpha1",
            "ExternalSecret", "external-secrets.io/v1");

    /** The doc's YAML blocks in order: each cloud is a generator + ExternalSecret block, then a policy block. */
    static Stream<Arguments> clouds() throws Exception {
        String md = Files.readString(DOC);
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(md);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).as("three clouds, two blocks each").hasSize(6);
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i += 2) {
            List<JsonNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(blocks.get(i))) {
                it.forEachRemaining(docs::add);
            }
            out.add(Arguments.of(docs.get(0).path("kind").asText(), docs, blocks.get(i + 1)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: the generator and the ExternalSecret have only fields their kinds have, and the policy names its Secret")
    @MethodSource("clouds")
    void eachCloudsYamlIsValidAndWritesThePolicysSource(String generatorKind, List<JsonNode> docs, String policyBlock) throws Exception {
        assertThat(docs).hasSize(2);
        JsonNode generator = docs.get(0);
        JsonNode es = docs.get(1);
        assertThat(OUTPUTS).containsKey(generatorKind);
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            assertThat(d.path("apiVersion").asText()).as(kind).isEqualTo(API_VERSION.get(kind));
            assertThat(d.path("metadata").path("name").asText()).as(kind + " name").isNotEmpty();
            assertThat(d.path("metadata").path("namespace").asText()).as(kind + " namespace").isNotEmpty();
            List<String> unknown = new ArrayList<>();
            check(d.path("spec"), SPEC.get(kind), kind + ".spec", unknown);
            assertThat(unknown).as("fields %s does not have", kind).isEmpty();
            REQUIRED.get(kind).forEach(f -> assertThat(d.path("spec").has(f)).as(kind + ".spec." + f).isTrue());
        }
        assertThat(es.path("kind").asText()).isEqualTo("ExternalSecret");

        JsonNode ref = es.path("spec").path("dataFrom").get(0).path("sourceRef").path("generatorRef");
        assertThat(ref.path("kind").asText()).isEqualTo(generatorKind);
        assertThat(ref.path("name").asText()).isEqualTo(generator.path("metadata").path("name").asText());
        assertThat(es.path("metadata").path("namespace").asText()).as("generatorRef is namespaced")
                .isEqualTo(generator.path("metadata").path("namespace").asText());

        JsonNode template = es.path("spec").path("target").path("template");
        assertThat(template.path("type").asText()).isEqualTo("kubernetes.io/dockerconfigjson");
        String dockerconfig = template.path("data").path(".dockerconfigjson").asText();
        Matcher used = Pattern.compile("\\.([a-z_]+)").matcher(dockerconfig.replaceAll("\"[^\"]*\"", "\"\"").replace(".dockerconfigjson", ""));
        while (used.find()) {
            assertThat(OUTPUTS.get(generatorKind)).as("template uses an output of " + generatorKind).contains(used.group(1));
        }

        InjectionPolicy policy = new PolicyParser().parse("apiVersion: pullsecret-injector.io/v1alpha1\nkind: InjectionPolicy\n" + policyBlock).policy();
        RegistryCredential credential = policy.registryCredentials().get(0);
        assertThat(credential.existingSecret()).as("the policy's source is the Secret the ExternalSecret writes")
                .isEqualTo(es.path("spec").path("target").path("name").asText());
        assertThat(credential.existingSecretNamespace()).isEqualTo(es.path("metadata").path("namespace").asText());

        String rendered = render(dockerconfig, generatorKind);
        List<RegistryPattern> registries = DockerConfig.registries("kubernetes.io/dockerconfigjson",
                Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(rendered.getBytes(StandardCharsets.UTF_8))));
        assertThat(registries).extracting(RegistryPattern::text).as("the rendered Secret serves the policy's registries")
                .containsExactlyElementsOf(credential.registries().stream().map(RegistryPattern::text).toList());
    }

    /** Every field of {@code node} is in {@code schema} (a nested map; a value of "" accepts anything below it). */
    @SuppressWarnings("unchecked")
    static void check(JsonNode node, Object schema, String path, List<String> unknown) {
        if (!(schema instanceof Map<?, ?> || schema instanceof List<?>)) {
            return;
        }
        if (schema instanceof List<?> list) {
            node.forEach(item -> check(item, list.get(0), path + "[]", unknown));
            return;
        }
        Map<String, Object> fields = (Map<String, Object>) schema;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.containsKey(f)) {
                unknown.add(path + "." + f);
            } else {
                check(node.get(f), fields.get(f), path + "." + f, unknown);
            }
        }
    }

    /** The template as ESO's v2 engine renders it with sample outputs: the three constructs the doc uses, and nothing else. */
    static String render(String template, String kind) {
        Map<String, String> out = Map.of("username", "AWS", "password", "token", "proxy_endpoint", "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                "expires_at", "1", "expiry", "1");
        String s = template.replace("{{ .proxy_endpoint | replace \"https://\" \"\" }}", out.get("proxy_endpoint").replace("https://", ""));
        s = s.replace("{{ printf \"%s:%s\" .username .password | b64enc }}",
                Base64.getEncoder().encodeToString((out.get("username") + ":" + out.get("password")).getBytes(StandardCharsets.UTF_8)));
        Matcher m = Pattern.compile("\\{\\{ \\.([a-z_]+) }}").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(out.get(m.group(1))));
        }
        m.appendTail(b);
        assertThat(b.toString()).as("every template action is rendered").doesNotContain("{{");
        return b.toString();
    }
}
