package floor;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The floor's only endpoint, {@code POST /mutate}: the webhook's {@code CeilingResource} (same checks,
 * same tree parse, same constant answer, on the event loop), with nothing of the webhook around it.
 */
@Path("/mutate")
public class FloorResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] ALLOWED = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}"
            .getBytes(StandardCharsets.UTF_8);

    @POST
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<Response> mutate(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
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
