package io.pullsecretinjector.secrets.admission;

import io.fabric8.kubernetes.api.model.Secret;
import io.pullsecretinjector.policy.RegistryCredential;
import io.pullsecretinjector.policy.SourceRegistries;
import io.pullsecretinjector.secrets.api.ApiProblems;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.known.KnownSources;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The source Secrets named by the policy, read by name (RBAC grants get on exactly those) and
 * answered from {@link KnownSources} for {@code injector.cache-ttl}, so most reviews never ask the
 * API server. The source watches keep the same records current, so a rotation reaches admission at
 * once with no read of its own.
 */
@ApplicationScoped
public class SourceSecrets {

    private static final Logger LOG = Logger.getLogger(SourceSecrets.class);

    /**
     * A read: the Secret, or why there is none.
     *
     * @param secret  the Secret, or null
     * @param problem a user-facing sentence when there is no Secret, else null
     */
    public record Read(SourceSecret secret, String problem) {
        public boolean found() {
            return secret != null;
        }
    }

    private final SecretApi api;
    private final KnownSources known;
    private final BackgroundRenewals renewals;

    public SourceSecrets(SecretApi api, KnownSources known, BackgroundRenewals renewals) {
        this.api = api;
        this.known = known;
        this.renewals = renewals;
    }

    /** The known read if it is still fresh, else null. Makes no call. */
    public Read cached(RegistryCredential credential) {
        KnownSources.KnownSource k = known.get(key(credential));
        if (!known.fresh(k)) {
            return null;
        }
        return k.missing() ? new Read(null, missing(credential)) : new Read(k.secret(), null);
    }

    /** The one sentence for a source that does not exist. */
    static String missing(RegistryCredential credential) {
        return "source secret " + credential.source() + " does not exist; create it (kubectl create secret docker-registry "
                + credential.existingSecret() + " -n " + credential.existingSecretNamespace() + " ...) or fix "
                + credential.path() + " in the policy";
    }

    /**
     * A review answered from memory used these sources: each whose known read is in the last
     * quarter of its {@code cache-ttl} is read again in the background ({@link #renew}), once, so
     * that reviews in steady use never find it expired and wait for the API server.
     */
    public void renewIfDue(List<RegistryCredential> credentials) {
        for (RegistryCredential credential : credentials) {
            KnownSources.KnownSource k = known.get(key(credential));
            if (k != null && RenewalWindow.isDue(k.freshUntilNanos(), known.ttlNanos(), known.now())) {
                renewals.submit("source " + credential.source(), () -> renew(credential));
            }
        }
    }

    /**
     * True when every source the policy decision reads (those of credentials whose registries come
     * from the Secret's {@code auths} keys) is cached and fresh, so the decision needs no call. The
     * sources of the credentials a Pod gets are checked after the decision, by their copies.
     */
    public boolean decidable(List<RegistryCredential> credentials) {
        for (RegistryCredential c : credentials) {
            if (c.registriesFromSecret() && cached(c) == null) {
                return false;
            }
        }
        return true;
    }

    /** The fresh cached read, or a new read from the API server (blocking). Never throws. */
    public Read read(RegistryCredential credential) {
        Read hit = cached(credential);
        return hit != null ? hit : refresh(credential);
    }

    /**
     * Reads the source from the API server now and caches the answer, found or not. A failed call
     * (5xx, 403, 429, timeout) is not cached: the next review asks again, so a Pod created after
     * the API server recovers gets its credentials at once instead of after {@code cache-ttl}.
     * Never throws.
     */
    public Read refresh(RegistryCredential credential) {
        return fetch(credential, false);
    }

    /**
     * Reads the source again ahead of its expiry ({@link #renewIfDue}): like {@link #refresh},
     * except that a failed call leaves the cached read to run out as it would have. Never throws.
     */
    public Read renew(RegistryCredential credential) {
        return fetch(credential, true);
    }

    private Read fetch(RegistryCredential credential, boolean keepOnFailure) {
        SecretKey key = key(credential);
        try {
            Secret s = api.get(credential.existingSecretNamespace(), credential.existingSecret());
            SourceSecret now = s == null ? null : SourceSecret.from(s);
            known.read(key, now);
            return now == null ? new Read(null, missing(credential)) : new Read(now, null);
        } catch (RuntimeException e) {
            Read read = new Read(null, ApiProblems.describe(e, "get", "secret " + credential.source(), credential.existingSecretNamespace(),
                    ApiProblems.Retry.NEXT_POD));
            LOG.warnf("source=%s action=read result=failed reason=%s", credential.source(), read.problem());
            if (!keepOnFailure) {
                known.expire(key);
            }
            return read;
        }
    }

    private static SecretKey key(RegistryCredential credential) {
        return new SecretKey(credential.existingSecretNamespace(), credential.existingSecret());
    }

    /** Adapter for the pure evaluator: cached reads only when {@code blocking} is false. */
    public SourceRegistries registries(boolean blocking) {
        return credential -> {
            Read r = blocking ? read(credential) : cached(credential);
            if (r == null) {
                return SourceRegistries.Lookup.unavailable("source secret " + credential.source() + " is not loaded yet");
            }
            if (!r.found()) {
                return SourceRegistries.Lookup.unavailable(r.problem());
            }
            if (r.secret().registriesProblem() != null) {
                return SourceRegistries.Lookup.unavailable(r.secret().registriesProblem());
            }
            return SourceRegistries.Lookup.found(r.secret().registries());
        };
    }

}
