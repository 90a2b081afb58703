package io.pullsecretinjector.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.jboss.logging.Logger;

/**
 * {@code POST /mutate}: the HTTP envelope only. Checks the content type, decodes the
 * AdmissionReview, hands the request to {@link PodMutationHandler} and answers in the request's
 * apiVersion. Bodies over {@code quarkus.http.limits.max-body-size} (7 MiB) are refused with 413
 * by the HTTP layer before they are read whole. A request refused with 400 is counted
 * ({@code pullsecret_injector_bad_requests_total}): the HTTP server's own request metrics are off.
 */
@Path("/mutate")
public class PodMutationResource {

    private static final Logger LOG = Logger.getLogger(PodMutationResource.class);

    private final PodMutationHandler handler;

    public PodMutationResource(PodMutationHandler handler) {
        this.handler = handler;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<Response> mutate(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        if (!isJson(contentType)) {
            return bad(null, "Content-Type is \"" + (contentType == null ? "" : contentType)
                    + "\"; send the AdmissionReview as application/json");
        }
        ReviewRequest request;
        try {
            request = ReviewDecoder.decode(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            return bad(null, "the body is not valid JSON" + where + "; send an admission.k8s.io/v1 AdmissionReview");
        } catch (IOException e) {
            return bad(null, "the body could not be read; send an admission.k8s.io/v1 AdmissionReview");
        } catch (BadReviewException e) {
            return bad(e.uid(), e.getMessage());
        }
        String apiVersion = request.apiVersion();
        return handler.handle(request).thenApply(response -> json(Response.Status.OK, AdmissionResponses.review(apiVersion, response)));
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        // on every review: no split, no array
        int semicolon = contentType.indexOf(';');
        String base = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return base.equalsIgnoreCase(MediaType.APPLICATION_JSON);
    }

    private CompletionStage<Response> bad(String uid, String message) {
        LOG.debugf("bad request uid=%s: %s", uid, message);
        handler.badRequest();
        ObjectNode error = JsonNodeFactory.instance.objectNode().put("error", message);
        if (uid != null) {
            error.put("uid", uid);
        }
        return CompletableFuture.completedFuture(json(Response.Status.BAD_REQUEST, error.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static Response json(Response.Status status, byte[] body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
