package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.secrets.api.ApiProblems;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.ContentHash;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.fabric8.kubernetes.api.model.Secret;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.policy.DockerConfig;
import io.pullsecretinjector.policy.RegistryCredential;
import io.pullsecretinjector.policy.RegistryPattern;
import io.pullsecretinjector.policy.SourceRegistries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The source Secrets named by the policy, read by name (RBAC grants get on exactly those) and
 * kept in memory for {@code injector.cache-ttl}, so most reviews never ask the API server.
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

    private record Entry(Read read, long expiresAtNanos) {
    }

    private final SecretApi api;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final BackgroundRenewals renewals;
    private final Map<SecretKey, Entry> cache = new ConcurrentHashMap<>();

    @Inject
    public SourceSecrets(SecretApi api, InjectorConfig config, BackgroundRenewals renewals) {
        this(api, config.cacheTtl(), System::nanoTime, renewals);
    }

    /** With a clock of its own ({@link System#nanoTime()} in production), so tests can move time; renewals run inline. */
    public SourceSecrets(SecretApi api, Duration ttl, LongSupplier clock) {
        this(api, ttl, clock, new BackgroundRenewals(Runnable::run));
    }

    /** With a clock of its own and the renewals' executor. */
    public SourceSecrets(SecretApi api, Duration ttl, LongSupplier clock, BackgroundRenewals renewals) {
        this.api = api;
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
        this.renewals = renewals;
    }

    /** The cached read if it is still fresh, else null. Makes no call. */
    public Read cached(RegistryCredential credential) {
        Entry e = cache.get(key(credential));
        return e != null && clock.getAsLong() - e.expiresAtNanos < 0 ? e.read : null;
    }

    /**
     * A review answered from memory used these sources: each whose cached read is in the last
     * quarter of its {@code cache-ttl} is read again in the background ({@link #renew}), once, so
     * that reviews in steady use never find it expired and wait for the API server.
     */
    public void renewIfDue(List<RegistryCredential> credentials) {
        for (RegistryCredential credential : credentials) {
            Entry e = cache.get(key(credential));
            if (e != null && RenewalWindow.isDue(e.expiresAtNanos, ttlNanos, clock.getAsLong())) {
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
        String what = "secret " + credential.source();
        Read read;
        try {
            Secret s = api.get(credential.existingSecretNamespace(), credential.existingSecret());
            read = s == null
                    ? new Read(null, "source " + what + " does not exist; create it (kubectl create secret docker-registry "
                    + credential.existingSecret() + " -n " + credential.existingSecretNamespace() + " ...) or fix "
                    + credential.path() + " in the policy")
                    : new Read(toSource(s), null);
        } catch (RuntimeException e) {
            read = new Read(null, ApiProblems.describe(e, "get", what, credential.existingSecretNamespace()));
            LOG.warnf("source=%s action=read result=failed reason=%s", credential.source(), read.problem());
            if (!keepOnFailure) {
                cache.remove(key(credential));
            }
            return read;
        }
        cache.put(key(credential), new Entry(read, clock.getAsLong() + ttlNanos));
        return read;
    }

    /** Forgets a source, so the next review reads it again. */
    public void invalidate(String sourceRef) {
        cache.remove(SecretKey.parse(sourceRef));
    }

    /**
     * The source watch saw the source as it is now: reviews use it at once with no read of their
     * own, so a rotation keeps admission on its warm path. Null (deleted) forgets it, so the next
     * review reads it again and says what is missing.
     */
    public void seen(String sourceRef, SourceSecret now) {
        if (now == null) {
            invalidate(sourceRef);
        } else {
            cache.put(SecretKey.parse(sourceRef), new Entry(new Read(now, null), clock.getAsLong() + ttlNanos));
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

    public static SourceSecret toSource(Secret s) {
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
}
