package io.pullsecretinjector.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded API's dispatcher, counting what the injector asks of it, for {@code make bench-scale}:
 * every request from a fabric8 client (the injector's; the bench driver sends another User-Agent)
 * is counted by verb and resource, and the content hash each Secret was last written with is kept,
 * so the bench can tell how many copies are current without reading them through the API. Both are
 * served on the mock's own port under {@code /bench/}, a path no Kubernetes client uses:
 *
 * <pre>GET  /bench/calls                                 {"update secrets": 5000, "get secrets": 12, ...}
 * GET  /bench/latency                              per "verb resource": how long the mock took to answer (bucket bounds, ms)
 * POST /bench/calls/reset?sources=NS,...           counts back to zero; calls on Secrets in those namespaces count as "secrets (source)"
 * GET  /bench/copies?name=N&amp;prefix=P&amp;hash=H[&amp;previous=H2]  {"total": copies named N in namespaces starting with P,
 *                                                  "current": of them, holding H, "previous": holding H2} (one consistent look)</pre>
 */
final class CountingDispatcher extends KubernetesCrudDispatcher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    /** Per "verb resource": how long the mock took to answer the injector's requests, in buckets of BOUNDS_MS. */
    private final Map<String, java.util.concurrent.atomic.AtomicLongArray> took = new ConcurrentHashMap<>();
    private static final long[] BOUNDS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, Long.MAX_VALUE};
    private volatile java.util.Set<String> sourceNamespaces = java.util.Set.of();
    /** namespace/name of each Secret to the hash annotation it was last written with ("" when none). */
    private final Map<String, String> written = new ConcurrentHashMap<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if (path.startsWith("/bench/")) {
            return bench(request.getMethod(), URI.create(path));
        }
        long start = System.nanoTime();
        String body = request.getBody() == null ? null : request.getUtf8Body();
        MockResponse response = super.dispatch(body == null ? request
                : new RecordedRequest(request.getHttpVersion(), request.method(), path, request.getHeaders(),
                        new io.fabric8.mockwebserver.http.Buffer().writeUtf8(body)));
        String agent = request.getHeader("User-Agent");
        if (agent != null && agent.startsWith("fabric8")) {
            String resource = resource(path);
            if (resource.equals("secrets") && sourceNamespaces.stream().anyMatch(ns -> path.startsWith("/api/v1/namespaces/" + ns + "/"))) {
                resource = "secrets (source)";
            }
            String key = verb(request.getMethod(), path) + " " + resource;
            calls.computeIfAbsent(key, k -> new LongAdder()).increment();
            if (!key.startsWith("watch")) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                int b = 0;
                while (ms > BOUNDS_MS[b]) {
                    b++;
                }
                took.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicLongArray(BOUNDS_MS.length)).incrementAndGet(b);
            }
        }
        if (response != null && response.code() / 100 == 2 && path.startsWith("/api/v1/namespaces/") && path.contains("/secrets")) {
            track(request.getMethod(), path, body);
        }
        return response;
    }

    private synchronized void track(String method, String path, String body) {
        try {
            if (method.equals("DELETE")) {
                String[] p = URI.create(path).getPath().split("/"); // /api/v1/namespaces/{ns}/secrets/{name}
                if (p.length >= 7) {
                    written.remove(p[4] + "/" + p[6]);
                }
            } else if ((method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) && body != null) {
                JsonNode meta = JSON.readTree(body).path("metadata");
                String[] p = URI.create(path).getPath().split("/");
                String name = p.length >= 7 ? p[6] : meta.path("name").asText();
                written.put(p[4] + "/" + name, meta.path("annotations").path(ManagedCopy.HASH_ANNOTATION).asText(""));
            }
        } catch (Exception e) {
            // counting only: a body the mock took but we cannot read is not tracked
        }
    }

    private MockResponse bench(String method, URI uri) {
        ObjectNode out = JSON.createObjectNode();
        if (uri.getPath().equals("/bench/calls/reset") && method.equals("POST")) {
            calls.clear();
            took.clear();
            String q = uri.getQuery() == null ? "" : uri.getQuery();
            sourceNamespaces = q.startsWith("sources=") ? java.util.Set.of(q.substring("sources=".length()).split(",")) : java.util.Set.of();
        } else if (uri.getPath().equals("/bench/calls")) {
            new TreeMap<>(calls).forEach((k, v) -> out.put(k, v.sum()));
        } else if (uri.getPath().equals("/bench/latency")) {
            // per "verb resource": the bucket bound (ms) under which 50, 99 and 100 % of the answers fell
            new TreeMap<>(took).forEach((k, v) -> {
                long n = 0;
                for (int i = 0; i < v.length(); i++) {
                    n += v.get(i);
                }
                ObjectNode q = out.putObject(k).put("n", n);
                long seen = 0;
                for (int i = 0; i < v.length(); i++) {
                    seen += v.get(i);
                    for (String p : new String[] {"p50", "p99", "max"}) {
                        double want = p.equals("p50") ? 0.5 : p.equals("p99") ? 0.99 : 1.0;
                        if (!q.has(p + "_ms_le") && seen >= Math.ceil(n * want)) {
                            q.put(p + "_ms_le", BOUNDS_MS[i] == Long.MAX_VALUE ? -1 : BOUNDS_MS[i]);
                        }
                    }
                }
            });
        } else if (uri.getPath().equals("/bench/copies")) {
            Map<String, String> q = new TreeMap<>();
            for (String kv : (uri.getQuery() == null ? "" : uri.getQuery()).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            String suffix = "/" + q.getOrDefault("name", "");
            String prefix = q.getOrDefault("prefix", "");
            String hash = q.getOrDefault("hash", "");
            String previous = q.getOrDefault("previous", "-");
            long total = 0;
            long current = 0;
            long before = 0;
            synchronized (this) { // writes are tracked under the same lock
                for (Map.Entry<String, String> e : written.entrySet()) {
                    if (e.getKey().endsWith(suffix) && e.getKey().startsWith(prefix)) {
                        total++;
                        if (e.getValue().equals(hash)) {
                            current++;
                        } else if (e.getValue().equals(previous)) {
                            before++;
                        }
                    }
                }
            }
            out.put("total", total).put("current", current).put("previous", before);
        } else {
            return new MockResponse().setResponseCode(404);
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(out.toString());
    }

    private static String verb(String method, String path) {
        return switch (method) {
            case "GET" -> path.contains("watch=true") ? "watch" : isCollection(path) ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> method.toLowerCase();
        };
    }

    /** The resource type: the path segment after the namespace (or after the version for cluster-scoped ones). */
    private static String resource(String path) {
        String[] p = URI.create(path).getPath().split("/");
        int i = path.startsWith("/api/") ? 3 : 4; // /api/v1/<r> or /apis/<group>/<version>/<r>
        if (p.length > i + 2 && p[i].equals("namespaces")) {
            return p[i + 2];
        }
        return p.length > i ? p[i] : path;
    }

    private static boolean isCollection(String path) {
        String[] p = URI.create(path).getPath().split("/");
        int i = path.startsWith("/api/") ? 3 : 4;
        if (p.length > i && p[i].equals("namespaces")) {
            return p.length == i + 1 || p.length == i + 3;
        }
        return p.length == i + 1;
    }
}
