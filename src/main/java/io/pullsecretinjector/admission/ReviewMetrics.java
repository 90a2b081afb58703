package io.pullsecretinjector.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pullsecretinjector.review.ReviewOutcome;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The review metrics: {@code pullsecret_injector_reviews} by outcome, {@code pullsecret_injector_review_duration}, and
 * {@code pullsecret_injector_bad_requests}, the POSTs to /mutate refused with 400 before there was a review to answer.
 */
final class ReviewMetrics {

    private final Map<ReviewOutcome, Counter> reviews = new EnumMap<>(ReviewOutcome.class);
    private final Timer latency;
    private final Counter badRequests;

    ReviewMetrics(MeterRegistry registry) {
        for (ReviewOutcome o : ReviewOutcome.values()) {
            reviews.put(o, Counter.builder("pullsecret_injector_reviews").description("Admission reviews answered, by outcome")
                    .tag("outcome", o.tag()).register(registry));
        }
        this.latency = Timer.builder("pullsecret_injector_review_duration").description("Time to answer a review")
                .publishPercentileHistogram().register(registry);
        this.badRequests = Counter.builder("pullsecret_injector_bad_requests")
                .description("Requests to /mutate refused with HTTP 400 (not JSON, not an AdmissionReview, wrong content type)").register(registry);
    }

    /** One request refused with 400. */
    void badRequest() {
        badRequests.increment();
    }

    /** One review answered, {@code nanos} after it arrived. */
    void answered(ReviewOutcome outcome, long nanos) {
        reviews.get(outcome).increment();
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
