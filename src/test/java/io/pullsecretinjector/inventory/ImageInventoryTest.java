package io.pullsecretinjector.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyParser;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ImageInventoryTest {

    final AtomicLong now = new AtomicLong(1_000);

    static List<PodFacts.ContainerImage> images(String... images) {
        return Arrays.stream(images).map(i -> new PodFacts.ContainerImage("containers", 0, "c", i)).toList();
    }

    @Test
    void oneImageWrittenThreeWaysIsOneEntryWithItsSpellingsNamespacesAndCount() {
        ImageInventory inventory = new ImageInventory(100, now::get);

        inventory.record("team-a", images("nginx"));
        now.set(2_000);
        inventory.record("team-b", images("docker.io/library/nginx:latest", "index.docker.io/library/nginx"));

        assertThat(inventory.entries()).singleElement().satisfies(e -> {
            assertThat(e.image()).isEqualTo("docker.io/library/nginx:latest");
            assertThat(e.registry()).isEqualTo("docker.io");
            assertThat(e.references()).containsExactly("nginx", "docker.io/library/nginx:latest", "index.docker.io/library/nginx");
            assertThat(e.namespaces()).containsExactly("team-a", "team-b");
            assertThat(e.count()).isEqualTo(3);
            assertThat(e.firstSeen()).isEqualTo(Instant.ofEpochMilli(1_000));
            assertThat(e.lastSeen()).isEqualTo(Instant.ofEpochMilli(2_000));
        });
    }

    @Test
    void aFullInventoryEvictsTheLeastRecentlySeenAndCountsThem() {
        ImageInventory inventory = new ImageInventory(10, now::get);
        for (int i = 0; i < 10; i++) {
            now.incrementAndGet();
            inventory.record("ns", images("registry.example.com/app-" + i + ":1"));
        }
        now.incrementAndGet();
        inventory.record("ns", images("registry.example.com/app-0:1"));

        now.incrementAndGet();
        inventory.record("ns", images("registry.example.com/new:1"));

        assertThat(inventory.size()).isLessThanOrEqualTo(10);
        assertThat(inventory.evicted()).isEqualTo(2);
        assertThat(inventory.entries()).extracting(ImageInventory.Entry::image)
                .contains("registry.example.com/app-0:1", "registry.example.com/new:1")
                .doesNotContain("registry.example.com/app-1:1", "registry.example.com/app-2:1");
    }

    @Test
    void mergingWithTheSharedRecordAddsOnlyWhatThisReplicaSawSinceItsLastWrite() {
        ImageInventory a = new ImageInventory(100, now::get);
        ImageInventory b = new ImageInventory(100, now::get);
        a.record("team-a", images("nginx", "nginx"));
        b.record("team-b", images("nginx", "redis"));

        Map<String, ImageInventory.Entry> shared = new HashMap<>(a.mergeShared(Map.of()).entries());
        shared = new HashMap<>(b.mergeShared(shared).entries());
        a.record("team-a", images("nginx"));
        shared = new HashMap<>(a.mergeShared(shared).entries());

        assertThat(shared.get("docker.io/library/nginx:latest").count()).isEqualTo(4);
        assertThat(shared.get("docker.io/library/nginx:latest").namespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(a.entries()).extracting(ImageInventory.Entry::image).as("a learns b's images")
                .containsExactly("docker.io/library/nginx:latest", "docker.io/library/redis:latest");
    }

    @Test
    void aFailedWriteGivesTheSightingsBackForTheNextRound() {
        ImageInventory a = new ImageInventory(100, now::get);
        a.record("team-a", images("nginx"));

        ImageInventory.Merge lost = a.mergeShared(Map.of());
        a.unmerge(lost.flushed());

        assertThat(a.mergeShared(Map.of()).flushed()).containsEntry("docker.io/library/nginx:latest", 1L);
    }

    @Test
    void theQueryFiltersByRegistryAndDropsImagesAlreadyOnTheMirror() {
        ImageInventory inventory = new ImageInventory(100, now::get);
        inventory.record("ns", images("nginx:1", "index.docker.io/bitnami/redis:7", "quay.io/a/b:1", "mirror.corp.example/dockerhub/library/busybox:1"));
        var rules = new PolicyParser().parse("""
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                imageRewrites: [{from: docker.io, to: mirror.corp.example/dockerhub}]
                """).policy().imageRewrites();

        assertThat(ImagesRoute.select(inventory.entries(), "registry-1.docker.io", false, rules)).extracting(ImageInventory.Entry::image)
                .containsExactly("docker.io/bitnami/redis:7", "docker.io/library/nginx:1");
        assertThat(ImagesRoute.select(inventory.entries(), null, true, rules)).extracting(ImageInventory.Entry::image)
                .containsExactly("docker.io/bitnami/redis:7", "docker.io/library/nginx:1", "quay.io/a/b:1");
    }
}
