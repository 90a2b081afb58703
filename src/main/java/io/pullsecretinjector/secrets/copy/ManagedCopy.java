package io.pullsecretinjector.secrets.copy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Set;

/**
 * What a copy made by the injector looks like, and how to tell one from a Secret someone else
 * owns. Pure: builds and inspects model objects, makes no call.
 */
public final class ManagedCopy {

    /** Label on every copy; with the source annotation, what makes a Secret ours. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "pullsecret-injector";
    /** {@code namespace/name} of the source Secret. */
    public static final String SOURCE_ANNOTATION = "pullsecret-injector.io/source";
    /** {@link ContentHash} of the source data the copy holds. */
    public static final String HASH_ANNOTATION = "pullsecret-injector.io/source-hash";
    /** Argo CD must neither report copies as out of sync nor prune them. */
    public static final Map<String, String> ARGOCD_ANNOTATIONS = Map.of(
            "argocd.argoproj.io/compare-options", "IgnoreExtraneous",
            "argocd.argoproj.io/sync-options", "Prune=false");

    private ManagedCopy() {
    }

    /** The copy of {@code source} named {@code name} in {@code namespace}. */
    public static Secret desired(SourceSecret source, String namespace, String name) {
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withNamespace(namespace)
                        .withName(name)
                        .addToLabels(MANAGED_BY_LABEL, MANAGED_BY_VALUE)
                        .addToAnnotations(SOURCE_ANNOTATION, source.ref())
                        .addToAnnotations(HASH_ANNOTATION, source.hash())
                        .addToAnnotations(ARGOCD_ANNOTATIONS)
                        .build())
                .withType(source.type())
                .withData(source.data())
                .build();
    }

    /** True when the Secret was made by the injector from {@code sourceRef}; anything else is never overwritten or deleted. */
    public static boolean isOurs(Secret secret, String sourceRef) {
        var meta = secret.getMetadata();
        return meta != null
                && meta.getLabels() != null && MANAGED_BY_VALUE.equals(meta.getLabels().get(MANAGED_BY_LABEL))
                && meta.getAnnotations() != null && sourceRef.equals(meta.getAnnotations().get(SOURCE_ANNOTATION));
    }

    /** True when the copy holds exactly the source's current content. */
    public static boolean isCurrent(Secret copy, SourceSecret source) {
        var ann = copy.getMetadata().getAnnotations();
        return ann != null && source.hash().equals(ann.get(HASH_ANNOTATION))
                && source.hash().equals(ContentHash.of(copy.getType(), copy.getData()));
    }

    /**
     * True when the copy carries nothing but what {@link #desired} gives it (no label, annotation,
     * finalizer or owner someone else added, the source's type), so writing {@link #desired} in its
     * place at its resourceVersion loses nothing.
     */
    public static boolean isPlain(Secret copy, SourceSecret source) {
        var meta = copy.getMetadata();
        return (meta.getLabels() == null || Set.of(MANAGED_BY_LABEL).containsAll(meta.getLabels().keySet()))
                && (meta.getAnnotations() == null || OUR_ANNOTATIONS.containsAll(meta.getAnnotations().keySet()))
                && (meta.getFinalizers() == null || meta.getFinalizers().isEmpty())
                && (meta.getOwnerReferences() == null || meta.getOwnerReferences().isEmpty())
                && (copy.getStringData() == null || copy.getStringData().isEmpty())
                && copy.getImmutable() == null
                && (source == null || java.util.Objects.equals(source.type(), copy.getType()));
    }

    private static final Set<String> OUR_ANNOTATIONS = Set.of(SOURCE_ANNOTATION, HASH_ANNOTATION,
            "argocd.argoproj.io/compare-options", "argocd.argoproj.io/sync-options");

    /** {@code existing} brought up to date with {@code source}, keeping its identity and resourceVersion. */
    public static Secret updated(Secret existing, SourceSecret source) {
        return new SecretBuilder(existing)
                .editMetadata()
                .addToLabels(MANAGED_BY_LABEL, MANAGED_BY_VALUE)
                .addToAnnotations(SOURCE_ANNOTATION, source.ref())
                .addToAnnotations(HASH_ANNOTATION, source.hash())
                .addToAnnotations(ARGOCD_ANNOTATIONS)
                .endMetadata()
                .withType(source.type())
                .withData(source.data())
                .withStringData(null)
                .build();
    }
}
