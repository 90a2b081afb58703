package io.pullsecretinjector.inventory;

import io.pullsecretinjector.testing.TestTls;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.admission.Reviews;
import io.pullsecretinjector.config.TestConfigs;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What runs in the cluster, as a list of images to mirror; and the rewrite seen through /mutate. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ImagesEndpointTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Inject
    Instance<KubernetesClient> client;

    @Inject
    ImageInventory inventory;

    @BeforeAll
    static void trustDevCertificate() {
        TestTls.trustTheTestServer();
    }

    URL images(String query) throws Exception {
        // the management port serves /images beside /q
        return new URL(managementBase() + "/images" + query);
    }

    static String managementBase() {
        String port = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.management.test-port", String.class);
        return "http://localhost:" + port;
    }

    JsonNode admit(ObjectNode review) throws Exception {
        byte[] body = given().contentType("application/json").body(Reviews.bytes(review)).post(mutate).then().statusCode(200).extract().asByteArray();
        return Reviews.JSON.readTree(body).path("response");
    }

    ObjectNode review(String namespace, String... images) {
        ObjectNode review = Reviews.inNamespace(Reviews.fixture("pod-create-private-registry-generatename"), namespace);
        var containers = ((ObjectNode) review.at("/request/object/spec")).putArray("containers");
        for (int i = 0; i < images.length; i++) {
            containers.addObject().put("name", "c" + i).put("image", images[i]);
        }
        return review;
    }

    @Test
    void aGcrImageIsMovedToTheMirrorThroughTheWebhookAndTheOriginalIsRecorded() throws Exception {
        ObjectNode review = review("rewrite", "eu.gcr.io/proj/app:2", "quay.io/keep/me:1");

        JsonNode pod = Reviews.patchedObject(review, admit(review));

        assertThat(pod.at("/spec/containers/0/image").asText()).isEqualTo("mirror.example.com/gcr/eu.gcr.io/proj/app:2");
        assertThat(pod.at("/spec/containers/1/image").asText()).isEqualTo("quay.io/keep/me:1");
        assertThat(pod.at("/metadata/annotations").path(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION).asText())
                .isEqualTo("{\"c0\":\"eu.gcr.io/proj/app:2\"}");
    }

    @Test
    void everyPodCreateIsListedAndDryRunsAreNot() throws Exception {
        admit(review("inv-a", "inventory.example.com/a:1", "nginx:1.27"));
        admit(review("inv-b", "inventory.example.com/a:1"));
        ObjectNode dry = review("inv-c", "dryrun.example.com/never:1");
        ((ObjectNode) dry.get("request")).put("dryRun", true);
        admit(dry);

        JsonNode json = Reviews.JSON.readTree(given().get(images("")).then().statusCode(200).extract().asByteArray());
        JsonNode a = null;
        for (JsonNode e : json.path("images")) {
            if (e.path("image").asText().equals("inventory.example.com/a:1")) {
                a = e;
            }
        }
        assertThat(a).isNotNull();
        assertThat(a.path("count").asLong()).isEqualTo(2);
        assertThat(a.path("namespaces").toString()).isEqualTo("[\"inv-a\",\"inv-b\"]");
        assertThat(json.toString()).doesNotContain("dryrun.example.com");

        String text = given().get(images("?format=text&registry=inventory.example.com")).then().statusCode(200).extract().asString();
        assertThat(text).isEqualTo("inventory.example.com/a:1\n");
        String hub = given().get(images("?format=text&registry=index.docker.io")).then().statusCode(200).extract().asString();
        assertThat(hub).contains("docker.io/library/nginx:1.27\n");
    }

    @Test
    void imageVolumesAreListedAndMovedToTheMirrorLikeContainerImages() throws Exception {
        ObjectNode review = Reviews.inNamespace(Reviews.fixture("pod-create-image-volume-rewritten"), "inv-volumes");

        JsonNode pod = Reviews.patchedObject(review, admit(review));

        assertThat(pod.at("/spec/volumes/1/image/reference").asText()).isEqualTo("mirror.example.com/gcr/eu.gcr.io/acme/datasets/imagenet");
        JsonNode json = Reviews.JSON.readTree(given().get(images("")).then().statusCode(200).extract().asByteArray());
        JsonNode volume = null;
        for (JsonNode e : json.path("images")) {
            if (e.path("image").asText().equals("eu.gcr.io/acme/datasets/imagenet:latest")) {
                volume = e;
            }
        }
        assertThat(volume).as("the image volume as the Pod wrote it, before the rewrite").isNotNull();
        assertThat(volume.path("references").toString()).isEqualTo("[\"eu.gcr.io/acme/datasets/imagenet\"]");
        assertThat(volume.path("namespaces").toString()).isEqualTo("[\"inv-volumes\"]");
    }

    @Test
    void unmirroredLeavesOutImagesAlreadyOnTheMirror() throws Exception {
        admit(review("inv-m", "mirror.example.com/gcr/eu.gcr.io/already/there:1", "eu.gcr.io/needs/mirroring:1"));

        String text = given().get(images("?format=text&unmirrored=true")).then().statusCode(200).extract().asString();

        assertThat(text).contains("eu.gcr.io/needs/mirroring:1").doesNotContain("mirror.example.com/gcr/eu.gcr.io/already/there:1");
    }

    @Test
    void aBadFormatIsA400ThatSaysWhatIsAllowed() throws Exception {
        given().get(images("?format=xml")).then().statusCode(400);
    }

    @Test
    void theInventoryIsSharedThroughConfigMapsAndSurvivesARestart() throws Exception {
        var config = TestConfigs.with(Map.of("inventoryConfigmapPrefix", "test-images"));
        ImageInventory first = new ImageInventory(100, System::currentTimeMillis);
        first.record("team-a", java.util.List.of(new io.pullsecretinjector.policy.PodFacts.ContainerImage("containers", 0, "c", "registry.example.com/shared:1")));
        new ImageInventoryStore(first, config, client, new SimpleMeterRegistry()).flush();

        int shard = ImageInventoryStore.shard("registry.example.com/shared:1");
        ConfigMap cm = client.get().configMaps().inNamespace("pullsecret-injector").withName("test-images-" + shard).get();
        assertThat(cm.getData().get("images.json")).contains("registry.example.com/shared:1");

        ImageInventory restarted = new ImageInventory(100, System::currentTimeMillis);
        restarted.record("team-b", java.util.List.of(new io.pullsecretinjector.policy.PodFacts.ContainerImage("containers", 0, "c", "registry.example.com/shared:1")));
        new ImageInventoryStore(restarted, config, client, new SimpleMeterRegistry()).flush();

        assertThat(restarted.entries()).singleElement().satisfies(e -> {
            assertThat(e.count()).isEqualTo(2);
            assertThat(e.namespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        });
    }
}
