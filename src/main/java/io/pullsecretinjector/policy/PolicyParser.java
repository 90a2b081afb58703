package io.pullsecretinjector.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an {@link InjectionPolicy} from YAML (or JSON) and reports every problem at once, each with
 * its field path, so an admin fixes a policy in one round instead of one error per deploy.
 */
public final class PolicyParser {

    static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "excludeNamespaces", "includeNamespaces", "namespaceSelector",
            "registryCredentials", "imageRewrites");
    static final Set<String> REWRITE_FIELDS = Set.of("from", "to", "excludeNamespaces");
    static final Set<String> CREDENTIAL_FIELDS = Set.of("existingSecret", "existingSecretNamespace", "targetSecretName", "registries", "excludeNamespaces",
            "includeNamespaces", "namespaceSelector", "eager", "prune");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    private static final Pattern NAMESPACE_GLOB = Pattern.compile("[a-z0-9*?-]{1,63}");
    private static final Pattern MIRROR_PREFIX = Pattern.compile("[a-z0-9.-]+(:[0-9]{1,5})?(/([a-z0-9._-]|\\{registry\\})+)*");
    private static final Pattern REGISTRY_GLOB = Pattern.compile("(?i)([a-z]+://)?[a-z0-9*?.:\\[\\]-]+(/[a-z0-9*?._/-]*)?");

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    /** Parses a policy document. Never throws. */
    public PolicyParseResult parse(String document) {
        JsonNode root;
        try {
            root = YAML.readTree(document == null ? "" : document);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            return failed("(document)", "is not valid YAML" + where + ": " + e.getOriginalMessage() + "; fix the syntax and apply it again");
        }
        return parse(root);
    }

    /** Parses a policy that was already read into a tree (JSON or YAML). Never throws. */
    public PolicyParseResult parse(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull() || (root.isTextual() && root.asText().isBlank())) {
            return failed("(document)", "is empty; write at least apiVersion: " + InjectionPolicy.API_VERSION + " and kind: " + InjectionPolicy.KIND);
        }
        if (!root.isObject()) {
            return failed("(document)", "must be a mapping with apiVersion, kind and registryCredentials, not a " + PolicyFields.typeName(root));
        }
        PolicyFields.Errors errors = new PolicyFields.Errors();
        PolicyFields.unknownFields(root, "", ROOT_FIELDS, errors);
        String apiVersion = PolicyFields.requiredString(root, "apiVersion", "", errors);
        if (apiVersion != null && !InjectionPolicy.API_VERSION.equals(apiVersion)) {
            errors.add("apiVersion", "is \"" + apiVersion + "\", but this version of pullsecret-injector reads only " + InjectionPolicy.API_VERSION);
        }
        String kind = PolicyFields.requiredString(root, "kind", "", errors);
        if (kind != null && !InjectionPolicy.KIND.equals(kind)) {
            errors.add("kind", "is \"" + kind + "\"; it must be " + InjectionPolicy.KIND);
        }
        List<Glob> exclude = namespaceGlobs(root, "excludeNamespaces", "", InjectionPolicy.DEFAULT_EXCLUDE_NAMESPACES, errors);
        List<Glob> include = namespaceGlobs(root, "includeNamespaces", "", InjectionPolicy.DEFAULT_INCLUDE_NAMESPACES, errors);
        LabelSelector selector = LabelSelectors.read(root, "namespaceSelector", "", errors);
        List<RegistryCredential> credentials = credentials(root.get("registryCredentials"), errors);
        List<ImageRewrite> rewrites = rewrites(root.get("imageRewrites"), errors);
        if (!errors.list.isEmpty()) {
            return new PolicyParseResult(null, errors.list);
        }
        return new PolicyParseResult(new InjectionPolicy(exclude, include, selector, credentials, rewrites), List.of());
    }

    private List<RegistryCredential> credentials(JsonNode node, PolicyFields.Errors errors) {
        List<RegistryCredential> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            errors.add("registryCredentials", "must be a list of credentials, not a " + PolicyFields.typeName(node));
            return out;
        }
        Map<String, Integer> targets = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "registryCredentials[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                errors.add(path, "must be a mapping with existingSecret and existingSecretNamespace, not a " + PolicyFields.typeName(item));
                continue;
            }
            PolicyFields.unknownFields(item, path + ".", CREDENTIAL_FIELDS, errors);
            String secret = PolicyFields.requiredString(item, "existingSecret", path + ".", errors);
            PolicyFields.checkName(secret, path + ".existingSecret", DNS_SUBDOMAIN, 253, "a Secret name", errors);
            String secretNamespace = PolicyFields.requiredString(item, "existingSecretNamespace", path + ".", errors);
            PolicyFields.checkName(secretNamespace, path + ".existingSecretNamespace", DNS_LABEL, 63, "a namespace name", errors);
            String target = PolicyFields.optionalString(item, "targetSecretName", path + ".", errors);
            if (target == null) {
                target = secret;
            } else {
                PolicyFields.checkName(target, path + ".targetSecretName", DNS_SUBDOMAIN, 253, "a Secret name", errors);
            }
            if (target != null) {
                Integer first = targets.putIfAbsent(target, i);
                if (first != null) {
                    errors.add(path + ".targetSecretName", "\"" + target + "\" is already the copy name of registryCredentials[" + first
                            + "]; two credentials cannot share one copy, set a different targetSecretName");
                }
            }
            List<RegistryPattern> registries = registries(item, path + ".", errors);
            List<Glob> exclude = namespaceGlobs(item, "excludeNamespaces", path + ".", List.of(), errors);
            List<Glob> include = namespaceGlobs(item, "includeNamespaces", path + ".", List.of("*"), errors);
            LabelSelector selector = LabelSelectors.read(item, "namespaceSelector", path + ".", errors);
            boolean eager = PolicyFields.optionalBoolean(item, "eager", path + ".", errors);
            boolean prune = PolicyFields.optionalBoolean(item, "prune", path + ".", errors);
            if (secret != null && secretNamespace != null && target != null) {
                out.add(new RegistryCredential(i, secret, secretNamespace, target, registries, exclude, include, selector, eager, prune));
            }
        }
        return out;
    }

    private List<ImageRewrite> rewrites(JsonNode node, PolicyFields.Errors errors) {
        List<ImageRewrite> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            errors.add("imageRewrites", "must be a list of rules with from and to, not a " + PolicyFields.typeName(node));
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "imageRewrites[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                errors.add(path, "must be a mapping with from and to, not a " + PolicyFields.typeName(item));
                continue;
            }
            PolicyFields.unknownFields(item, path + ".", REWRITE_FIELDS, errors);
            String from = PolicyFields.requiredString(item, "from", path + ".", errors);
            if (from != null && (!REGISTRY_GLOB.matcher(from).matches() || from.equals("*"))) {
                errors.add(path + ".from", "\"" + from + "\" is not a registry to rewrite; write a host such as docker.io, "
                        + "a glob such as *.gcr.io, or a host with a path prefix such as docker.io/library");
                from = null;
            }
            String to = PolicyFields.requiredString(item, "to", path + ".", errors);
            if (to != null && !MIRROR_PREFIX.matcher(to).matches()) {
                errors.add(path + ".to", "\"" + to + "\" is not a mirror location; write host[:port][/path] in lower case, "
                        + "without a scheme, tag or trailing slash; {registry} stands for the original registry host");
                to = null;
            }
            List<Glob> exclude = namespaceGlobs(item, "excludeNamespaces", path + ".", List.of(), errors);
            if (from != null && to != null) {
                out.add(new ImageRewrite(i, RegistryPattern.parse(from), to, exclude));
            }
        }
        return out;
    }

    private List<RegistryPattern> registries(JsonNode item, String prefix, PolicyFields.Errors errors) {
        List<RegistryPattern> out = new ArrayList<>();
        for (PolicyFields.Indexed s : PolicyFields.stringList(item, "registries", prefix, errors)) {
            if (!REGISTRY_GLOB.matcher(s.value()).matches()) {
                errors.add(s.path(), "\"" + s.value() + "\" is not a registry pattern; write a host such as registry.example.com, "
                        + "host:5000, *.example.com, docker.io/myorg, or \"*\" for every image");
                continue;
            }
            out.add(RegistryPattern.parse(s.value()));
        }
        return out;
    }

    private List<Glob> namespaceGlobs(JsonNode node, String field, String prefix, List<String> defaults, PolicyFields.Errors errors) {
        if (!node.has(field) || node.get(field).isNull()) {
            return defaults.stream().map(Glob::of).toList();
        }
        List<Glob> out = new ArrayList<>();
        for (PolicyFields.Indexed s : PolicyFields.stringList(node, field, prefix, errors)) {
            if (!NAMESPACE_GLOB.matcher(s.value()).matches()) {
                errors.add(s.path(), "\"" + s.value() + "\" is not a namespace glob; use lower-case letters, digits, '-', "
                        + "'*' (any run of characters) and '?' (exactly one character), at most 63 characters");
                continue;
            }
            out.add(Glob.of(s.value()));
        }
        return out;
    }

    private static PolicyParseResult failed(String path, String message) {
        return new PolicyParseResult(null, List.of(new PolicyError(path, message)));
    }
}
