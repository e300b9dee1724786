package io.orderrelay.order;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import io.orderrelay.security.PartnerId;

/** The body of {@code POST /v1/orders} and {@code POST /v1/orders/validations} (docs/api.md). */
public record CreateOrderRequest(
        @NotNull @PartnerId String partnerId,
        @Size(min = 1, max = 128) String clientReference,
        @NotNull @IsoCountry String countryCode,
        @Pattern(regexp = "[a-z]{2}", message = "must be a two-letter ISO 639-1 language code such as en") String lang,
        @NotBlank @Email @Size(max = 254) String email,
        Boolean hasAcceptedNewsletter,
        @NotNull @Valid Payment payment,
        @NotEmpty @Size(max = 20) List<@NotNull @Valid Delivery> deliveries,
        @Size(max = 100) String utmSource) {

    public record Payment(
            @NotBlank @Pattern(regexp = "[A-Z0-9]{2,12}", message = "must be an upper-case coin symbol such as USDC") String coin,
            @Size(max = 64) String network,
            @NotBlank @Pattern(regexp = "[A-Z][A-Z_]{1,39}", message = "must be an upper-case payment via such as USER_WALLET") String paymentVia) {
    }

    public record Delivery(
            @NotBlank @Size(max = 100) String brandName,
            @NotNull @IsoCountry String countryCode,
            @NotBlank @Pattern(regexp = "[0-9]{1,7}(\\.[0-9]{1,2})?", message = "must be a positive decimal amount such as 100") String denomination,
            @NotNull @Positive @Max(100) Integer quantity,
            @Email @Size(max = 254) String beneficiaryAccount) {
    }

    public String effectiveLang() {
        return lang == null ? "en" : lang;
    }
}
