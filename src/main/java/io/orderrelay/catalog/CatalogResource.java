package io.orderrelay.catalog;

import java.time.format.DateTimeFormatter;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.orderrelay.order.IsoCountry;
import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.security.Scopes;
import jakarta.annotation.security.RolesAllowed;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Upstream's catalogue, cached. Answers carry {@code Cache-Status}-like headers: {@code X-Catalog-Stale: true}
 * and {@code X-Catalog-Fetched-At} tell the caller it got an older answer because upstream is failing.
 */
@Path("/v1/catalog")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@RolesAllowed(Scopes.ORDERS_READ)
@SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_READ)
// upstream's answers are passed through unchanged (docs/upstream.md): any JSON, whose shape upstream owns
@APIResponse(responseCode = "200", description = "Upstream's answer, unchanged (docs/upstream.md), possibly cached",
        headers = { @Header(name = "X-Catalog-Fetched-At", ref = "X-Catalog-Fetched-At"),
                @Header(name = "X-Catalog-Stale", ref = "X-Catalog-Stale") },
        content = @Content(mediaType = MediaType.APPLICATION_JSON,
                schema = @Schema(description = "Upstream's catalogue JSON, passed through")))
@APIResponse(responseCode = "404", description = "Upstream has no such catalogue entry")
@APIResponse(responseCode = "422", description = "Upstream refused the query")
@APIResponse(responseCode = "503", description = "Upstream is unavailable and nothing is cached for this query")
public class CatalogResource {

    private static final String COIN = "[A-Z0-9]{2,12}";
    private static final String COIN_MESSAGE = "must be an upper-case coin symbol such as USDC";

    private final UpstreamClient upstream;
    private final StaleWhileFailingCache cache;
    private final CatalogConfig config;

    public CatalogResource(UpstreamClient upstream, StaleWhileFailingCache cache, CatalogConfig config) {
        this.upstream = upstream;
        this.cache = cache;
        this.config = config;
    }

    @GET
    @Path("/payment-vias")
    @Operation(summary = "Payment methods, coins and networks")
    public Response paymentVias() {
        return cached(new CatalogQuery.PaymentVias());
    }

    @GET
    @Path("/brands")
    @Operation(summary = "Brands sold in a country")
    public Response brands(@QueryParam("country_code") @NotNull @IsoCountry String countryCode) {
        return cached(new CatalogQuery.Brands(countryCode));
    }

    @GET
    @Path("/homepage")
    @Operation(summary = "Curated home feed of a country")
    public Response homepage(@QueryParam("country_code") @NotNull @IsoCountry String countryCode) {
        return cached(new CatalogQuery.Homepage(countryCode));
    }

    @GET
    @Path("/products/{country_code}")
    @Operation(summary = "Products of a country, filterable by family, coin and language")
    public Response products(@PathParam("country_code") @IsoCountry String countryCode,
            @QueryParam("family_name") @Size(max = 100) String familyName,
            @QueryParam("coin") @Pattern(regexp = COIN, message = COIN_MESSAGE) String coin,
            @QueryParam("lang") @Pattern(regexp = "[a-z]{2}", message = "must be a two-letter language code such as en") String lang) {
        return cached(new CatalogQuery.Products(countryCode, familyName, coin, lang));
    }

    @GET
    @Path("/price")
    @Operation(summary = "Crypto price of one face value")
    public Response price(@QueryParam("brand_name") @NotBlank @Size(max = 100) String brandName,
            @QueryParam("country_code") @NotNull @IsoCountry String countryCode,
            @QueryParam("face_value") @NotNull @Pattern(regexp = "[0-9]{1,7}(\\.[0-9]{1,2})?", message = "must be a positive decimal amount such as 100") String faceValue,
            @QueryParam("coin") @NotNull @Pattern(regexp = COIN, message = COIN_MESSAGE) String coin) {
        return cached(new CatalogQuery.Price(brandName, countryCode, faceValue, coin));
    }

    private Response cached(CatalogQuery query) {
        StaleWhileFailingCache.Cached answer;
        try {
            answer = cache.get(query, query.ttl(config), () -> query.fetch(upstream));
        } catch (UpstreamException e) {
            throw translate(e);
        }
        Response.ResponseBuilder response = Response.ok(answer.value())
                .header("X-Catalog-Fetched-At", DateTimeFormatter.ISO_INSTANT.format(answer.fetchedAt()));
        if (answer.stale()) {
            response.header("X-Catalog-Stale", "true");
        }
        return response.build();
    }

    private static ProblemException translate(UpstreamException e) {
        if (e instanceof UpstreamException.Refused refused && refused.status() == 404) {
            return ProblemException.notFound("This catalogue entry");
        }
        if (e instanceof UpstreamException.Refused refused) {
            return new ProblemException(Problem.of(422, "upstream-refused", "Upstream refused the query",
                    refused.code() != null ? refused.code() : "upstream answered " + refused.status()));
        }
        Long retryAfter = e instanceof UpstreamException.RateLimited limited ? limited.retryAfterSeconds() : null;
        return new ProblemException(Problem.of(503, "upstream-unavailable", "Upstream unavailable",
                "The catalogue is unavailable upstream and nothing is cached for this query"),
                retryAfter != null ? retryAfter : 5L);
    }
}
