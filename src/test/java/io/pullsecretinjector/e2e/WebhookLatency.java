package io.pullsecretinjector.e2e;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's own histogram of the time our webhook adds to Pod creation,
 * {@code apiserver_admission_webhook_admission_duration_seconds} for the webhook
 * {@code pods.pullsecret-injector.io}, read from its {@code /metrics}.
 *
 * @param buckets cumulative count of calls at or under each upper bound, in seconds
 */
record WebhookLatency(TreeMap<Double, Double> buckets) {

    private static final Pattern BUCKET = Pattern.compile(
            "^apiserver_admission_webhook_admission_duration_seconds_bucket\\{(.*)\\} (\\S+)$");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /** Reads the histogram for our webhook's CREATE admissions out of a /metrics text. */
    static WebhookLatency parse(String metrics, String webhook) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : metrics.lines().toList()) {
            Matcher m = BUCKET.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String labels = m.group(1);
            if (!labels.contains("name=\"" + webhook + "\"") || !labels.contains("operation=\"CREATE\"")) {
                continue;
            }
            Matcher le = LE.matcher(labels);
            if (le.find()) {
                double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                buckets.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return new WebhookLatency(buckets);
    }

    /** The calls made between {@code before} and this reading. */
    WebhookLatency since(WebhookLatency before) {
        TreeMap<Double, Double> out = new TreeMap<>();
        buckets.forEach((bound, count) -> out.put(bound, count - before.buckets.getOrDefault(bound, 0.0)));
        return new WebhookLatency(out);
    }

    double count() {
        return buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
    }

    /**
     * The q-quantile in seconds, interpolated linearly inside its bucket as Prometheus'
     * histogram_quantile does; as coarse as the API server's buckets.
     */
    double quantile(double q) {
        double rank = q * count();
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : buckets.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = e.getValue() - lowerCount;
                return inBucket == 0 ? e.getKey() : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return Double.NaN;
    }

    /** The upper bound of the bucket the q-quantile falls in: what the histogram can promise. */
    double bucketBound(double q) {
        double rank = q * count();
        return buckets.entrySet().stream().filter(e -> e.getValue() >= rank).map(Map.Entry::getKey).findFirst().orElse(Double.NaN);
    }
}
