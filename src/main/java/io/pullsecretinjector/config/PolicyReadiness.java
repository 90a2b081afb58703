package io.pullsecretinjector.config;

import io.pullsecretinjector.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a valid policy is in force. A later invalid edit does not make the injector unready
 * (a typo must not take admission down); the detail shows it so {@code kubectl describe} and the
 * readiness endpoint say what is wrong.
 */
@Readiness
@ApplicationScoped
public class PolicyReadiness implements HealthCheck {

    private final PolicyStore store;
    private final PolicyLoader loader;

    public PolicyReadiness(PolicyStore store, PolicyLoader loader) {
        this.store = store;
        this.loader = loader;
    }

    @Override
    public HealthCheckResponse call() {
        PolicyStore.Loaded loaded = store.current();
        PolicyStore.Refusal refusal = store.lastRefusal();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("policy").status(loaded != null).withData("source", loader.origin());
        if (loaded != null) {
            b.withData("loadedFrom", loaded.origin()).withData("loadedAt", loaded.loadedAt().toString())
                    .withData("registryCredentials", loaded.policy().registryCredentials().size());
        }
        if (refusal != null) {
            b.withData("lastRefusedAt", refusal.at().toString())
                    .withData("lastRefusal", refusal.message()
                            + (loaded != null ? " (the policy loaded at " + loaded.loadedAt() + " stays in force)" : ""));
        }
        return b.build();
    }
}
