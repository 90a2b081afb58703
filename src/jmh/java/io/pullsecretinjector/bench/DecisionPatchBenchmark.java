package io.pullsecretinjector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullsecretinjector.admission.AdmissionResponse;
import io.pullsecretinjector.admission.AdmissionResponses;
import io.pullsecretinjector.admission.ReviewDecoder;
import io.pullsecretinjector.admission.ReviewRequest;
import io.pullsecretinjector.patch.ImagePullSecretsPatch;
import io.pullsecretinjector.patch.ImageRewritePatch;
import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.DockerConfig;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.RegistryPattern;
import io.pullsecretinjector.policy.SourceRegistries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure per-review work of the warm path, without HTTP: {@code decisionAndPatch} is what the
 * issue's 20 µs target is about (policy decision, patch operations, the AdmissionReview answer
 * written with its base64 patch), from an already decoded review, with the source Secrets'
 * registries known; {@code wholeReview} adds decoding the bytes (streaming, Pod facts included);
 * {@code treeParse} is the ceiling endpoint's parse of the same bytes into a
 * Jackson tree, for comparison.
 * Run by {@code make bench} (bench/run.sh), on the bodies bench/gen-reviews.py writes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx128m"})
public class DecisionPatchBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Param({"target/bench/review-2k.json", "target/bench/review-20k.json"})
    public String review;

    private byte[] body;
    private ReviewRequest request;
    private InjectionPolicy policy;
    private PolicyEvaluator evaluator;
    private SourceRegistries registries;

    @Setup
    public void setUp() throws Exception {
        body = Files.readAllBytes(Path.of(review));
        request = ReviewDecoder.decode(body);
        policy = new PolicyParser().parse(Files.readString(Path.of("examples/policy.yaml"))).policy();
        evaluator = new PolicyEvaluator("pullsecret-injector");
        String hub = Base64.getEncoder().encodeToString("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"ZGVtbzp4\"}}}"
                .getBytes(StandardCharsets.UTF_8));
        List<RegistryPattern> hubRegistries = DockerConfig.registries(DockerConfig.TYPE_DOCKER_CONFIG_JSON, Map.of(".dockerconfigjson", hub));
        registries = credential -> SourceRegistries.Lookup.found(hubRegistries);
        AdmissionResponse check = decide(request);
        if (check.patch().isEmpty()) {
            throw new IllegalStateException("the benchmark review must get a patch: " + check);
        }
    }

    @Benchmark
    public byte[] decisionAndPatch() {
        return AdmissionResponses.review(request.apiVersion(), decide(request));
    }

    @Benchmark
    public byte[] wholeReview() throws Exception {
        ReviewRequest r = ReviewDecoder.decode(body);
        return AdmissionResponses.review(r.apiVersion(), decide(r));
    }

    @Benchmark
    public JsonNode treeParse() throws Exception {
        return JSON.readTree(body);
    }

    private AdmissionResponse decide(ReviewRequest r) {
        PodFacts pod = r.object();
        Decision d = evaluator.evaluate(policy, r.namespace(), pod, registries);
        List<String> names = new ArrayList<>();
        for (Decision.Match m : d.applied()) {
            names.add(m.credential().targetSecretName());
        }
        List<PatchOperation> ops = new ArrayList<>(ImageRewritePatch.operations(pod, d.rewrites()));
        ops.addAll(ImagePullSecretsPatch.operations(pod.imagePullSecrets(), names));
        return AdmissionResponses.patched(r.uid(), ops, List.of());
    }
}
