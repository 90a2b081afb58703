package io.pullsecretinjector.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The policy, patch, review-answer, rescue-decision and copy-model code stays pure: model classes at most, never the Kubernetes client. */
@AnalyzeClasses(packages = "io.pullsecretinjector", importOptions = ImportOption.DoNotIncludeTests.class)
class PureCoreTest {

    /** The secrets packages that talk to the API server or run in the background: all but the copy model. */
    private static final DescribedPredicate<JavaClass> OTHER_SECRETS_PACKAGES = resideInAPackage("io.pullsecretinjector.secrets..")
            .and(not(resideInAPackage("io.pullsecretinjector.secrets.copy..")));

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
    static final ArchRule theCopyModelIsPure = noClasses()
            .that().resideInAnyPackage("io.pullsecretinjector.secrets.copy..")
            .should().dependOnClassesThat(resideInAnyPackage("io.fabric8.kubernetes.client..", "io.micrometer..", "jakarta..", "io.quarkus..")
                    .or(OTHER_SECRETS_PACKAGES))
            .because("what a copy looks like and what to do about one is decided without an API server, as policy decides");

    @ArchTest
    static final ArchRule offlineToolsDependOnlyOnTheCopyModel = noClasses()
            .that().resideInAnyPackage("io.pullsecretinjector.review..", "io.pullsecretinjector.cli..", "io.pullsecretinjector.inventory..")
            .should().dependOnClassesThat(OTHER_SECRETS_PACKAGES)
            .because("review, the CLI and the image inventory read what a copy is and what was done to it, never how it is written");

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
