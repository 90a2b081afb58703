package io.pullsecretinjector.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The policy, patch, review-answer and rescue-decision code stays pure: model classes at most, never the Kubernetes client. */
@AnalyzeClasses(packages = "io.pullsecretinjector", importOptions = ImportOption.DoNotIncludeTests.class)
class PureCoreTest {

    @ArchTest
    static final ArchRule policyAndPatchNeverUseTheKubernetesClient = noClasses()
            .that().resideInAnyPackage("io.pullsecretinjector.policy..", "io.pullsecretinjector.patch..", "io.pullsecretinjector.review..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..")
            .because("the decision, the patch and the answer must be testable and reusable offline, without an API server");

    @ArchTest
    static final ArchRule whichStuckPodToEvictIsDecidedWithoutTheApi = noClasses()
            .that().resideInAnyPackage("io.pullsecretinjector.rescue..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..", "io.pullsecretinjector.secrets..",
                    "io.pullsecretinjector.admission..")
            .because("which stuck Pod is evicted is decided from the Pod and the policy alone, so every case is a table row");

    @ArchTest
    static final ArchRule patchCodeDependsOnNothingButJackson = noClasses()
            .that().resideInAnyPackage("io.pullsecretinjector.patch..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fabric8..", "io.pullsecretinjector.secrets..", "io.pullsecretinjector.admission..")
            .because("building a JSON Patch needs only the names to add");

    @ArchTest
    static final ArchRule admissionTalksToTheApiOnlyThroughSecrets = noClasses()
            .that().resideInAnyPackage("io.pullsecretinjector.admission..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..")
            .because("API access comes in through the narrow interfaces of the secrets package");

    @ArchTest
    static final ArchRule theProductCarriesNoBenchmarkOrEmbeddedApiCode = noClasses()
            .that().resideOutsideOfPackages("io.pullsecretinjector.embedded..")
            .should().dependOnClassesThat().resideInAnyPackage("io.pullsecretinjector.bench..", "io.pullsecretinjector.embedded..",
                    "io.fabric8.kubernetes.client.server.mock..", "io.fabric8.mockwebserver..")
            .because("the benchmark's ceiling and make run's embedded API are built in only by their own Maven profiles; "
                    + "the product must compile and run without them");

    @ArchTest
    static final ArchRule noBenchmarkCodeShips = noClasses()
            .should().resideInAnyPackage("io.pullsecretinjector.bench..")
            .because("benchmark scaffolding lives in bench/ and is compiled in only by the bench Maven profile");
}
