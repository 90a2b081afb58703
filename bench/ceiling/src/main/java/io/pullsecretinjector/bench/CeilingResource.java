package io.pullsecretinjector.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullsecretinjector.admission.PodMutationResource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /bench/ceiling}: the fastest answer this application can give to an AdmissionReview,
 * for {@code make bench} only. Same port, TLS, HTTP stack, thread (the event loop) and body
 * handling as {@link PodMutationResource}: checks the content type, parses the body into a Jackson
 * tree, and answers a constant allowed response. Compiled into the application only by the
 * {@code bench} Maven profile ({@code bench/run.sh}), never into the product.
 * {@code bench/floor}'s {@code FloorResource} is the same endpoint in an app with none of the
 * webhook's code (so it cannot call this one): change both together.
 */
@Path("/bench/ceiling")
public class CeilingResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] ALLOWED = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}"
            .getBytes(StandardCharsets.UTF_8);

    @POST
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<Response> ceiling(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        if (contentType == null || !contentType.startsWith(MediaType.APPLICATION_JSON)) {
            return CompletableFuture.completedFuture(Response.status(Response.Status.BAD_REQUEST).build());
        }
        try {
            JSON.readTree(body);
        } catch (IOException e) {
            return CompletableFuture.completedFuture(Response.status(Response.Status.BAD_REQUEST).build());
        }
        return CompletableFuture.completedFuture(Response.ok(ALLOWED, MediaType.APPLICATION_JSON).build());
    }
}
