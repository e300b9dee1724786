package io.orderrelay.upstream;

import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CustomBackoff;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The upstream API with its resilience: GETs are retried (backoff, jitter, Retry-After), no POST is;
 * every call sits behind a circuit breaker. Failures surface as {@link UpstreamException}, except that an
 * open circuit surfaces as {@code CircuitBreakerOpenException}: use {@link #failure(Throwable)} to type it.
 */
@ApplicationScoped
public class UpstreamClient {

    // One circuit breaker per upstream operation, named so that operators can read its state (GET /v1/admin/status)
    static final String PAYMENT_VIAS = "upstream-payment-vias";
    static final String BRANDS = "upstream-brands";
    static final String HOMEPAGE = "upstream-homepage";
    static final String PRODUCTS = "upstream-products";
    static final String PRICE = "upstream-price";
    static final String VALIDATE = "upstream-validate";
    static final String CREATE = "upstream-create";
    static final String ORDER = "upstream-order";
    /** The names of this client's circuit breakers, for {@code CircuitBreakerMaintenance.currentState}. */
    public static final List<String> CIRCUIT_BREAKERS = List.of(PAYMENT_VIAS, BRANDS, HOMEPAGE, PRODUCTS, PRICE, VALIDATE,
            CREATE, ORDER);

    private final UpstreamApi api;

    public UpstreamClient(@RestClient UpstreamApi api) {
        this.api = api;
    }

    /** Types any failure thrown by this client (open circuit, transport errors) as an {@link UpstreamException}. */
    public static UpstreamException failure(Throwable t) {
        return UpstreamErrors.fromFailure(t);
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 0, maxDuration = 15, durationUnit = ChronoUnit.SECONDS,
            retryOn = { UpstreamException.Unavailable.class, UpstreamException.RateLimited.class })
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreakerName(PAYMENT_VIAS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public JsonNode paymentVias() {
        return call(() -> api.paymentVias());
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 0, maxDuration = 15, durationUnit = ChronoUnit.SECONDS,
            retryOn = { UpstreamException.Unavailable.class, UpstreamException.RateLimited.class })
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreakerName(BRANDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public JsonNode brands(String countryCode) {
        return call(() -> api.brands(countryCode, countryCode));
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 0, maxDuration = 15, durationUnit = ChronoUnit.SECONDS,
            retryOn = { UpstreamException.Unavailable.class, UpstreamException.RateLimited.class })
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreakerName(HOMEPAGE)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public JsonNode homepage(String countryCode) {
        return call(() -> api.homepage(countryCode, countryCode));
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 0, maxDuration = 15, durationUnit = ChronoUnit.SECONDS,
            retryOn = { UpstreamException.Unavailable.class, UpstreamException.RateLimited.class })
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreakerName(PRODUCTS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public JsonNode products(String countryCode, String familyName, String coin, String lang) {
        return call(() -> api.products(countryCode, familyName, coin, lang, countryCode));
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 0, maxDuration = 15, durationUnit = ChronoUnit.SECONDS,
            retryOn = { UpstreamException.Unavailable.class, UpstreamException.RateLimited.class })
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreakerName(PRICE)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public JsonNode price(String brandName, String countryCode, String faceValue, String coin) {
        return call(() -> api.price(brandName, countryCode, faceValue, coin, countryCode));
    }

    /** Dry-run validation; a POST, so never retried. Answers the problems, empty when valid. */
    @CircuitBreakerName(VALIDATE)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public JsonNode validate(String countryCode, UpstreamOrderRequests.Validation body) {
        return call(() -> api.validate(body, countryCode));
    }

    /**
     * Creates the order upstream. Never retried: upstream has no idempotency, so a failure other than a
     * refusal or {@link UpstreamException#definitelyNotSent()} leaves the outcome unknown.
     */
    @CircuitBreakerName(CREATE)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public UpstreamOrder create(String countryCode, UpstreamOrderRequests.Create body) {
        JsonNode answer = call(() -> api.create(body, countryCode));
        try {
            return UpstreamOrder.parse(answer, null);
        } catch (UpstreamOrder.InvalidPayload e) {
            // upstream answered 2xx but not with an order: it may well have created one
            throw new UpstreamException.Unavailable(200, UpstreamException.Kind.BAD_ANSWER,
                    "upstream create answer unreadable: " + e.getMessage(), e);
        }
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 0, maxDuration = 15, durationUnit = ChronoUnit.SECONDS,
            retryOn = { UpstreamException.Unavailable.class, UpstreamException.RateLimited.class })
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreakerName(ORDER)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            failOn = { UpstreamException.Unavailable.class })
    public UpstreamOrder order(String upstreamOrderId, String countryCode) {
        return UpstreamOrder.parse(call(() -> api.order(upstreamOrderId, countryCode)), upstreamOrderId);
    }

    /**
     * Non-blocking single read of an order, for the trackers: no retry here (the tracker's own loop
     * decides when to ask again), failures typed as {@link UpstreamException}.
     */
    public Uni<UpstreamOrder> orderAsync(String upstreamOrderId, String countryCode) {
        return api.orderAsync(upstreamOrderId, countryCode)
                .onFailure().transform(UpstreamErrors::fromFailure)
                .map(node -> UpstreamOrder.parse(node, upstreamOrderId));
    }

    private static <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw UpstreamErrors.fromFailure(e);
        }
    }
}
