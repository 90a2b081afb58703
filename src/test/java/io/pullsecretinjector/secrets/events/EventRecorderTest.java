package io.pullsecretinjector.secrets.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Events as admins read them: one per Secret and reason with a series count, never more writes than the bucket allows. */
@EnableKubernetesMockClient(crud = true, https = false)
class EventRecorderTest {

    KubernetesClient client;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    EventRecorder recorder;

    @AfterEach
    void close() {
        if (recorder != null) {
            recorder.close();
        }
    }

    List<Event> events(String namespace) {
        return client.events().v1().events().inNamespace(namespace).list().getItems();
    }

    @Test
    void aCopyCreatedEventIsAboutTheCopyAndNamesTheInjector() {
        recorder = new EventRecorder(new KubernetesEventApi(client), 5, 25, "replica-a", metrics, false);

        recorder.record(EventReason.CopyCreated, "team-a", "regcred", "Created from registry-creds/regcred for a Pod being admitted in team-a");
        recorder.flush();

        assertThat(events("team-a")).singleElement().satisfies(e -> {
            assertThat(e.getRegarding().getKind()).isEqualTo("Secret");
            assertThat(e.getRegarding().getNamespace()).isEqualTo("team-a");
            assertThat(e.getRegarding().getName()).isEqualTo("regcred");
            assertThat(e.getReason()).isEqualTo("CopyCreated");
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getAction()).isEqualTo("Create");
            assertThat(e.getReportingController()).isEqualTo("pullsecret-injector.io/injector");
            assertThat(e.getReportingInstance()).isEqualTo("replica-a");
            assertThat(e.getEventTime().getTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
            assertThat(e.getSeries()).isNull();
        });
    }

    @Test
    void repeatsAreOneEventWithASeriesCountNotOneEventPerPod() {
        recorder = new EventRecorder(new KubernetesEventApi(client), 5, 25, "replica-a", metrics, false);
        recorder.record(EventReason.ForeignSecret, "team-a", "regcred", "not ours");
        recorder.flush();

        for (int i = 0; i < 99; i++) {
            recorder.record(EventReason.ForeignSecret, "team-a", "regcred", "not ours");
        }
        recorder.flush();

        assertThat(events("team-a")).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getSeries().getCount()).isEqualTo(100);
            assertThat(e.getSeries().getLastObservedTime().getTime()).isNotBlank();
        });
        assertThat(metrics.counter("pullsecret_injector_events", "result", "created").count()).isEqualTo(1.0);
        assertThat(metrics.counter("pullsecret_injector_events", "result", "patched").count()).isEqualTo(1.0);
    }

    @Test
    void aDifferentReasonOrSecretIsAnotherEvent() {
        recorder = new EventRecorder(new KubernetesEventApi(client), 5, 25, "replica-a", metrics, false);

        recorder.record(EventReason.CopyCreated, "team-a", "regcred", "created");
        recorder.record(EventReason.CopyFailed, "team-a", "regcred", "failed");
        recorder.record(EventReason.CopyCreated, "team-a", "other", "created");
        recorder.flush();

        assertThat(events("team-a")).extracting(e -> e.getReason() + " " + e.getRegarding().getName())
                .containsExactlyInAnyOrder("CopyCreated regcred", "CopyFailed regcred", "CopyCreated other");
    }

    @Test
    void writesNeverExceedTheBucketAndWhatWaitsIsCountedInALaterWrite() {
        List<String> writes = new CopyOnWriteArrayList<>();
        EventApi counting = new EventApi() {
            @Override
            public void create(Event event) {
                writes.add("create " + event.getRegarding().getName() + " " + (event.getSeries() == null ? 1 : event.getSeries().getCount()));
            }

            @Override
            public void patchSeries(String namespace, String name, int count, String lastObservedTime) {
                writes.add("patch " + name + " " + count);
            }
        };
        recorder = new EventRecorder(counting, 0.001, 10, "replica-a", metrics, false);

        // a thousand Pods a minute in fifty namespaces whose copy fails: fifty series, a thousand occurrences
        for (int i = 0; i < 1000; i++) {
            recorder.record(EventReason.CopyFailed, "ns-" + (i % 50), "regcred", "the injector may not create secret");
        }
        recorder.flush();
        recorder.flush();

        assertThat(writes).as("the burst, then nothing until tokens come back").hasSize(10);
        assertThat(recorder.pending()).as("the rest waits in memory, folded into counts").isEqualTo(1000 - writes.stream()
                .mapToInt(w -> Integer.parseInt(w.substring(w.lastIndexOf(' ') + 1))).sum());
    }

    @Test
    void aWarningIsWrittenBeforeTheNormalEventsOfARotationThatWaitForTheBucket() {
        List<String> writes = new CopyOnWriteArrayList<>();
        recorder = new EventRecorder(recording(writes), 0.001, 3, "replica-a", metrics, false);

        // a rotation updates a hundred copies, then one copy fails
        for (int i = 0; i < 100; i++) {
            recorder.record(EventReason.CopyUpdated, "ns-" + i, "regcred", "updated");
        }
        recorder.record(EventReason.CopyFailed, "ns-7", "regcred", "the injector may not update secret ns-7/regcred");
        recorder.flush();

        assertThat(writes).hasSize(3).first().isEqualTo("create CopyFailed ns-7/regcred");
    }

    @Test
    void whenTheMostSeriesAreTrackedAWarningTakesThePlaceOfAPendingNormalEvent() {
        List<String> writes = new CopyOnWriteArrayList<>();
        recorder = new EventRecorder(recording(writes), 0.001, 1, "replica-a", metrics, false);
        for (int i = 0; i < EventRecorder.MAX_SERIES; i++) {
            recorder.record(EventReason.CopyUpdated, "ns-" + i, "regcred", "updated");
        }

        recorder.record(EventReason.CopyCreated, "ns-new", "regcred", "created");
        recorder.record(EventReason.SourceMissing, "registry-creds", "regcred", "the source is gone");
        recorder.flush();

        assertThat(writes).containsExactly("create SourceMissing registry-creds/regcred");
        assertThat(metrics.counter("pullsecret_injector_events", "result", "dropped").count())
                .as("the new Normal Event, and the pending Normal series the Warning replaced").isEqualTo(2.0);
    }

    private static EventApi recording(List<String> writes) {
        return new EventApi() {
            @Override
            public void create(Event event) {
                writes.add("create " + event.getReason() + " " + event.getRegarding().getNamespace() + "/" + event.getRegarding().getName());
            }

            @Override
            public void patchSeries(String namespace, String name, int count, String lastObservedTime) {
                writes.add("patch " + namespace + "/" + name);
            }
        };
    }

    @Test
    void recordingNeverWaitsForTheApiServer() {
        EventApi hanging = new EventApi() {
            @Override
            public void create(Event event) {
                sleep();
            }

            @Override
            public void patchSeries(String namespace, String name, int count, String lastObservedTime) {
                sleep();
            }

            void sleep() {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        recorder = new EventRecorder(hanging, 5, 25, "replica-a", metrics, true);

        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            recorder.record(EventReason.CopyCreated, "ns-" + i, "regcred", "created");
        }

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
    }

    @Test
    void aNoteIsCutToTheApiServersLimitWithoutSplittingACharacter() {
        String note = "é".repeat(800);

        String cut = EventRecorder.truncate(note);

        assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(EventRecorder.MAX_NOTE_BYTES);
        assertThat(cut).endsWith("...").doesNotContain("\uFFFD");
    }

    @Test
    void theRecorderWritesOnItsOwnThread() {
        recorder = new EventRecorder(new KubernetesEventApi(client), 5, 25, "replica-a", metrics, true);

        recorder.record(EventReason.SourceMissing, "registry-creds", "regcred", "The source Secret registry-creds/regcred does not exist");

        Await.until("the Event is written", () -> !events("registry-creds").isEmpty());
        assertThat(new ArrayList<>(events("registry-creds"))).singleElement()
                .satisfies(e -> assertThat(e.getRegarding().getName()).isEqualTo("regcred"));
    }
}
