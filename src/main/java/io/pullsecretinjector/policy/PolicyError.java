package io.pullsecretinjector.policy;

/**
 * One problem in a policy document.
 *
 * @param path    where it is, e.g. {@code registryCredentials[1].targetSecretName}; {@code (document)} for the whole
 * @param message what is wrong and what to write instead
 */
public record PolicyError(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
