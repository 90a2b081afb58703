package io.pullsecretinjector.secrets.rescue;

import io.pullsecretinjector.rescue.PodState;
import java.util.Collection;

/**
 * The rescue's watch on Pods that could be stuck pulling, started only while this replica leads.
 * It keeps only the Pods that wait on an image pull now, each as a small {@link PodState}, never
 * the whole Pod. A narrow seam: tests prove that a replica that does not lead, or a rescue that is
 * off, watches nothing.
 */
public interface PodWatch {

    /** Starts watching unless it runs already; returns at once (the first list arrives in the background). */
    void start();

    /** Stops watching and forgets every Pod. */
    void stop();

    /** True while the watch runs (or is starting). */
    boolean running();

    /** True once the watch has delivered its first list: until then a Pod missing from it may still come. */
    boolean synced();

    /** The watched Pods that wait on an image pull, as last delivered. Makes no call. */
    Collection<PodState> stuck();
}
