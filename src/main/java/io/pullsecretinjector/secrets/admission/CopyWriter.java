package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyDecision;
import io.pullsecretinjector.secrets.copy.CopyResult;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.known.KnownCopies;

/**
 * Carries out the {@link CopyDecision} for a Pod being admitted, against the API server: creates,
 * updates (once more after a 409), or reports a Secret that is not ours or is being deleted.
 * Admission's own ways are here: create first for a copy never seen, and a 403 on create read as
 * "maybe it is there already".
 */
final class CopyWriter {

    private final SecretApi api;
    private final KnownCopies known;

    /** @param known told of every read and write, as the API server returned it */
    CopyWriter(SecretApi api, KnownCopies known) {
        this.api = api;
        this.known = known;
    }

    /**
     * Makes the copy current and says what it did; API failures are thrown (a {@link StepException}
     * names the call that failed).
     *
     * @param seen the copy was seen since this process started. "Never seen" most likely means a
     *             copy that does not exist yet (a new namespace): CREATE first makes it in one call
     *             instead of GET (404) + CREATE, the call the first Pod of a namespace waits for. A
     *             copy seen before most likely exists, and GET first judges it in one call. A copy
     *             there but never seen (after a restart) costs 409 + GET instead, once per namespace
     *             per process.
     */
    CopyOutcome reconcile(String namespace, String name, SourceSecret source, boolean seen) {
        if (seen) {
            Secret existing = api.get(namespace, name);
            if (existing != null) {
                return reconcileExisting(existing, source, true);
            }
        }
        try {
            Secret desired = ManagedCopy.desired(source, namespace, name);
            observed(source, desired, api.create(desired));
            return CopyOutcome.of(CopyResult.CREATED);
        } catch (KubernetesClientException e) {
            // 409: there is one already (made meanwhile, or there all along when not seen before).
            // 403 on a copy not seen before: RBAC without 'create' must still reference a copy that
            // is there, as GET first did; after a GET that found nothing, there is none to find.
            boolean mayBeThere = e.getCode() == 409 || (e.getCode() == 403 && !seen);
            if (!mayBeThere) {
                throw new StepException("create", e);
            }
            Secret existing = api.get(namespace, name);
            if (existing == null) {
                // deleted meanwhile, or never there: the create's own error says what to do; the next Pod retries
                throw new StepException("create", e);
            }
            return reconcileExisting(existing, source, true);
        }
    }

    private CopyOutcome reconcileExisting(Secret existing, SourceSecret source, boolean retryOnConflict) {
        String namespace = existing.getMetadata().getNamespace();
        String name = existing.getMetadata().getName();
        CopyDecision decision = CopyDecision.decide(CopyDecision.Wanted.forPod(source.ref(), source), namespace, name, existing);
        if (decision.action() != CopyDecision.Action.UPDATE) {
            observed(source, existing, existing);
        }
        return switch (decision.action()) {
            case FOREIGN -> foreign(namespace, name, source);
            case WAIT -> CopyOutcome.failed("copy " + namespace + "/" + name + " is being deleted; the next Pod gets a new copy");
            case KEEP -> CopyOutcome.of(CopyResult.UNCHANGED);
            case UPDATE -> update(existing, source, retryOnConflict);
            case CREATE, DELETE, NONE -> throw new IllegalStateException("a Secret that exists decided as " + decision);
        };
    }

    /** What admission answers for a Secret of the copy's name that someone else owns. */
    static CopyOutcome foreign(String namespace, String name, SourceSecret source) {
        return new CopyOutcome(CopyResult.FOREIGN, "secret " + namespace + "/" + name + " already exists and was not made by "
                + "pullsecret-injector from " + source.ref() + "; it is referenced as is and never overwritten. "
                + "Delete it to let the injector manage it, or set a different targetSecretName in the policy");
    }

    /** Tells the store what a call returned (what was sent when a fake API returns nothing). */
    private void observed(SourceSecret source, Secret sent, Secret returned) {
        Secret actual = returned != null ? returned : sent;
        known.observed(new SecretKey(sent.getMetadata().getNamespace(), sent.getMetadata().getName()), source.ref(), source, actual);
    }

    private CopyOutcome update(Secret existing, SourceSecret source, boolean retryOnConflict) {
        try {
            Secret updated = ManagedCopy.updated(existing, source);
            observed(source, updated, api.update(updated));
            return CopyOutcome.of(CopyResult.UPDATED);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 && retryOnConflict) {
                Secret now = api.get(existing.getMetadata().getNamespace(), existing.getMetadata().getName());
                if (now != null) {
                    return reconcileExisting(now, source, false);
                }
            }
            throw new StepException("update", e);
        }
    }

    /** The call that failed: create, update, or get. */
    static String verbOf(RuntimeException e) {
        return e instanceof StepException s ? s.verb : "get";
    }

    /** Carries which call failed, for the RBAC hint in the warning. */
    static final class StepException extends RuntimeException {
        final String verb;

        StepException(String verb, KubernetesClientException cause) {
            super(cause);
            this.verb = verb;
        }
    }
}
