package io.orderrelay.upstream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;

/** The Cryptorefills partner API as a declarative client; use {@link UpstreamClient}, which owns resilience. */
@RegisterRestClient(configKey = "upstream")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@ClientHeaderParam(name = "X-Cr-Application", value = "${relay.upstream.partner-id}")
@ClientHeaderParam(name = "X-Cr-Version", value = "${quarkus.application.version}")
@ClientHeaderParam(name = "Content-Type", value = MediaType.APPLICATION_JSON)
interface UpstreamApi {

    String COUNTRY = "X-Country-ISO-Code";

    @GET
    @Path("/v3/payment_vias")
    JsonNode paymentVias();

    @GET
    @Path("/v2/brands")
    JsonNode brands(@QueryParam("country_code") String countryCode, @HeaderParam(COUNTRY) String country);

    @GET
    @Path("/v2/homepage")
    JsonNode homepage(@QueryParam("country_code") String countryCode, @HeaderParam(COUNTRY) String country);

    @GET
    @Path("/v5/products/country/{cc}")
    JsonNode products(@PathParam("cc") String countryCode, @QueryParam("family_name") String familyName,
            @QueryParam("coin") String coin, @QueryParam("lang") String lang, @HeaderParam(COUNTRY) String country);

    @GET
    @Path("/v4/products/price")
    JsonNode price(@QueryParam("brand_name") String brandName, @QueryParam("country_code") String countryCode,
            @QueryParam("face_value") String faceValue, @QueryParam("coin") String coin,
            @HeaderParam(COUNTRY) String country);

    @POST
    @Path("/v5/orders/validations")
    JsonNode validate(UpstreamOrderRequests.Validation body, @HeaderParam(COUNTRY) String country);

    @POST
    @Path("/v5/orders")
    JsonNode create(UpstreamOrderRequests.Create body, @HeaderParam(COUNTRY) String country);

    @GET
    @Path("/v5/orders/{id}")
    JsonNode order(@PathParam("id") String orderId, @HeaderParam(COUNTRY) String country);

    @GET
    @Path("/v5/orders/{id}")
    Uni<JsonNode> orderAsync(@PathParam("id") String orderId, @HeaderParam(COUNTRY) String country);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return UpstreamErrors.fromResponse(response);
    }
}
