package io.orderrelay.order;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.orderrelay.problem.Problem;
import io.orderrelay.problem.PageLimit;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.problem.Times;
import io.orderrelay.security.Caller;
import io.orderrelay.security.PartnerId;
import io.orderrelay.security.Scopes;
import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/orders")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "orders")
public class OrderResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String CREATE_EXAMPLE = """
            {"partner_id": "acme", "client_reference": "cart-8812", "country_code": "US", "lang": "en",
             "email": "buyer@example.com", "has_accepted_newsletter": false,
             "payment": {"coin": "USDC", "network": "Solana", "payment_via": "USER_WALLET"},
             "deliveries": [{"brand_name": "Airbnb", "country_code": "US", "denomination": "100", "quantity": 1,
                             "beneficiary_account": "buyer@example.com"}]}""";
    static final String ORDER_EXAMPLE = """
            {"id": "0193a1c2-7f10-7c3e-9a51-3c2b9e0f4d11", "partner_id": "acme", "client_reference": "cart-8812",
             "upstream_order_id": "CR-58213", "state": "WaitingForPayment", "sequence": 2,
             "payment": {"coin": "USDC", "network": "Solana", "payment_via": "USER_WALLET",
                         "wallet_address": "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", "coin_amount": "100.42",
                         "payment_state": "WaitingForPayment", "pay_before": "2026-11-25T10:15:00Z"},
             "deliveries": [{"brand_name": "Airbnb", "country_code": "US", "denomination": "100", "quantity": 1}],
             "created_at": "2026-11-25T10:00:00Z", "updated_at": "2026-11-25T10:00:01Z"}""";

    private final OrderPlacement placement;
    private final OrderResolution resolution;
    private final OrderQueries queries;
    private final OrderViews views;
    private final Caller caller;
    private final RedemptionReads redemptions;
    private final OrderAnswers answers;

    public OrderResource(OrderPlacement placement, OrderResolution resolution, OrderQueries queries, OrderViews views,
            Caller caller, RedemptionReads redemptions, OrderAnswers answers) {
        this.answers = answers;
        this.redemptions = redemptions;
        this.placement = placement;
        this.resolution = resolution;
        this.queries = queries;
        this.views = views;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scopes.ORDERS_WRITE)
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_WRITE)
    @Operation(summary = "Place an order", description = "Validated upstream first; 201 with the order, 422 when "
            + "upstream refuses it (Rejected), 502/504 when the outcome is unknown (SubmissionUncertain).")
    @APIResponse(responseCode = "201", description = "Placed. A retry with the same Idempotency-Key and body answers "
            + "the first answer again (this one or a problem), with Idempotent-Replayed: true",
            headers = { @Header(name = "Location", description = "/v1/orders/{id} of the new order",
                    schema = @Schema(type = SchemaType.STRING)), @Header(name = "Idempotent-Replayed", ref = "Idempotent-Replayed") },
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class),
                    examples = @ExampleObject(name = "placed", value = ORDER_EXAMPLE)))
    @APIResponse(responseCode = "409", description = "client_reference already used by another order of the partner "
            + "(order_id names it), or the Idempotency-Key was used with another body, or its first request is still "
            + "being processed")
    @APIResponse(responseCode = "422", description = "Upstream refused the order: problems[] says why; order_id and "
            + "state name the Rejected order", headers = @Header(name = "Idempotent-Replayed", ref = "Idempotent-Replayed"))
    @APIResponse(responseCode = "502", description = "Upstream failed after the order was sent: it may exist upstream. "
            + "order_id names the SubmissionUncertain order", headers = @Header(name = "Idempotent-Replayed", ref = "Idempotent-Replayed"))
    @APIResponse(responseCode = "503", description = "Upstream could not validate the order; nothing was stored")
    @APIResponse(responseCode = "504", description = "Upstream did not answer in time after the order was sent: as 502",
            headers = @Header(name = "Idempotent-Replayed", ref = "Idempotent-Replayed"))
    public Response create(@NotNull(message = "a JSON body is required") @Valid @RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreateOrderRequest.class),
                    examples = @ExampleObject(name = "one gift card", value = CREATE_EXAMPLE))) CreateOrderRequest body,
            @HeaderParam(IDEMPOTENCY_KEY) @Parameter(description = "Makes a retry safe: the same key and body within "
                    + "24 h answer the first answer again instead of placing a second order",
                    schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = 255, pattern = "^[!-~]+$")) String idempotencyKey) {
        checkIdempotencyKey(idempotencyKey);
        caller.requirePartner(body.partnerId());
        // keys of different callers never collide
        PlacementOutcome outcome = placement.place(body, caller.keyId(), idempotencyKey);
        OrderAnswers.Answer answer = answers.placement(outcome);
        Response.ResponseBuilder response = Response.status(answer.status())
                .type(answer.isProblem() ? Problem.MEDIA_TYPE : MediaType.APPLICATION_JSON)
                .entity(answer.body());
        if (answer.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, answer.retryAfterSeconds());
        }
        if (outcome instanceof PlacementOutcome.Replayed) {
            response.header("Idempotent-Replayed", "true");
        }
        if (answer.status() == 201) {
            response.location(URI.create("/v1/orders/" + answer.orderId()));
        }
        return response.build();
    }

    @POST
    @Path("/validations")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scopes.ORDERS_WRITE)
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_WRITE)
    @Operation(summary = "Dry run: upstream's verdict on an order body; nothing is stored")
    @APIResponse(responseCode = "200", description = "valid, or the problems upstream names",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationAnswer.class)))
    @APIResponse(responseCode = "503", description = "Upstream could not validate the order")
    public ValidationAnswer validate(@NotNull(message = "a JSON body is required") @Valid CreateOrderRequest body) {
        caller.requirePartner(body.partnerId());
        List<Problem.UpstreamProblem> problems = answers.validation(placement.validate(body));
        return new ValidationAnswer(problems.isEmpty(), problems);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Scopes.ORDERS_READ)
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_READ)
    @Operation(summary = "One order, without redemption secrets")
    @APIResponse(responseCode = "200", description = "The order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class),
                    examples = @ExampleObject(name = "waiting for payment", value = ORDER_EXAMPLE)))
    public OrderView get(@PathParam("id") UUID id) {
        return views.view(order(id));
    }

    @GET
    @Path("/{id}/transitions")
    @RolesAllowed(Scopes.ORDERS_READ)
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_READ)
    @Operation(summary = "Every state the order entered, in sequence order")
    public TransitionList transitions(@PathParam("id") UUID id) {
        Order order = order(id);
        return new TransitionList(queries.transitions(order.id, 0));
    }

    @GET
    @Path("/{id}/deliveries")
    @RolesAllowed(Scopes.ORDERS_SECRETS)
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_SECRETS)
    @Operation(summary = "Redemption data (pin codes ...) of the order's deliveries; every read is audited")
    public RedemptionList deliveries(@PathParam("id") UUID id) {
        return new RedemptionList(redemptions.read(order(id), caller.keyId()));
    }

    @GET
    @RolesAllowed(Scopes.ORDERS_READ)
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_READ)
    @Operation(summary = "Orders, newest first, filtered, with keyset pagination")
    public OrderQueries.Page list(@QueryParam("partner_id") @PartnerId String partnerId,
            @QueryParam("state") @Pattern(regexp = "[A-Za-z]{1,64}", message = "must be a state name such as WaitingForPayment") String state,
            @QueryParam("client_reference") @Size(min = 1, max = 128) String clientReference,
            @QueryParam("created_from") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time")) String createdFrom,
            @QueryParam("created_to") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time")) String createdTo,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500")) String limit,
            @QueryParam("cursor") @Size(max = 200) String cursor) {
        OrderQueries.Filter filter = new OrderQueries.Filter(caller.effectivePartner(partnerId).orElse(null), state, clientReference,
                Times.parse("created_from", createdFrom), Times.parse("created_to", createdTo));
        return queries.list(filter, PageLimit.parse(limit), cursor);
    }

    @POST
    @Path("/{id}/resolve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scopes.ADMIN)
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ADMIN)
    @Operation(summary = "Operators (scope admin): settle a SubmissionUncertain order")
    @APIResponse(responseCode = "200", description = "The settled order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
    @APIResponse(responseCode = "409", description = "The order is not SubmissionUncertain, or the upstream order "
            + "named is already another order's; order_id and state name it")
    @APIResponse(responseCode = "422", description = "Upstream does not know the upstream order named, or answers "
            + "something unreadable")
    @APIResponse(responseCode = "503", description = "Upstream could not be asked about the order")
    public OrderView resolve(@PathParam("id") UUID id,
            @NotNull(message = "a JSON body is required") @Valid ResolveRequest body) {
        return views.view(answers.resolution(resolution.resolve(order(id).id, body)));
    }

    public record ValidationAnswer(boolean valid, List<Problem.UpstreamProblem> problems) {
    }

    public record TransitionList(List<TransitionView> items) {
    }

    public record RedemptionList(List<RedemptionReads.DeliveryRedemption> items) {
    }

    /** A partner-bound key gets 404 for another partner's order: existence does not leak. */
    private Order order(UUID id) {
        return queries.find(id).filter(o -> caller.canSee(o.partnerId))
                .orElseThrow(() -> ProblemException.notFound("Order " + id));
    }


    private static void checkIdempotencyKey(String key) {
        if (key != null && (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e))) {
            throw ProblemException.badRequest(IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters");
        }
    }

}
