package io.orderrelay.sandbox;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.orderrelay.sandbox.SandboxCatalog.Coin;
import io.orderrelay.sandbox.SandboxCatalog.Network;
import io.orderrelay.sandbox.SandboxCatalog.Product;

/** Upstream's order validation as the sandbox plays it; the triggers are documented in the sandbox README section. */
final class SandboxValidator {

    record Item(String beneficiaryAccount, String brandName, String countryCode, String denomination, int quantity) {
    }

    record Request(String email, String paymentVia, String coin, String network, List<Item> items) {
    }

    record Problem(String problem, String moreDetails) {
    }

    /** One gift card line that passed validation, priced. */
    record Line(Product product, BigDecimal faceValue, int quantity, String beneficiaryAccount) {
    }

    record Result(List<Problem> problems, List<Line> lines, Coin coin, Network network) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private SandboxValidator() {
    }

    static Result validate(Request request, BigDecimal maxOrderAmount) {
        List<Problem> problems = new ArrayList<>();
        String email = request.email() == null ? "" : request.email().toLowerCase(Locale.ROOT);
        if (email.endsWith("@login.example")) {
            problems.add(new Problem("LOGIN_REQUIRED", "This account must log in before ordering"));
        }
        if (email.endsWith("@kyc.example")) {
            problems.add(new Problem("KYC_REQUIRED", "Identity verification is required for this account"));
        }
        if (!"USER_WALLET".equals(request.paymentVia())) {
            problems.add(new Problem("NOT_ALLOWED_PAYMENT_VIA",
                    "Payment via " + request.paymentVia() + " is not allowed for this application"));
        }

        Coin coin = SandboxCatalog.coin(request.coin()).orElse(null);
        Network network = null;
        if (coin == null) {
            problems.add(new Problem("UNSUPPORTED_PROTOCOL_COIN_COMBINATION", "Unsupported coin " + request.coin()));
        } else if (coin.suspended()) {
            problems.add(new Problem("SUSPENDED_COIN", "Coin " + coin.name() + " is suspended"));
        } else {
            network = request.network() == null ? coin.networks().get(0)
                    : SandboxCatalog.network(coin, request.network()).orElse(null);
            if (network == null) {
                problems.add(new Problem("UNSUPPORTED_PROTOCOL_COIN_COMBINATION",
                        "Coin " + coin.name() + " is not supported on network " + request.network()));
            } else if (network.suspended()) {
                problems.add(new Problem("SUSPENDED_NETWORK", "Network " + network.name() + " is suspended"));
            }
        }

        List<Line> lines = new ArrayList<>();
        BigDecimal totalUsd = BigDecimal.ZERO;
        for (Item item : request.items()) {
            String beneficiary = item.beneficiaryAccount() == null ? request.email() : item.beneficiaryAccount();
            if (beneficiary == null || !EMAIL.matcher(beneficiary).matches()) {
                problems.add(new Problem("INVALID_BENEFICIARY_ACCOUNT", "Beneficiary account must be an email address"));
            }
            Product product = SandboxCatalog.product(item.brandName(), item.countryCode()).orElse(null);
            if (product == null) {
                problems.add(new Problem("NOT_AVAILABLE_PRODUCT",
                        "No product " + item.brandName() + " in country " + item.countryCode()));
                continue;
            }
            BigDecimal faceValue = parseDenomination(item.denomination(), product.currency());
            if (faceValue == null) {
                problems.add(new Problem("NOT_AVAILABLE_PRODUCT",
                        "Denomination " + item.denomination() + " is not available for " + product.brand()));
                continue;
            }
            if (faceValue.compareTo(product.smallest()) < 0 || item.quantity() < 1) {
                problems.add(new Problem("AMOUNT_LESS_THEN_MINIMUM_ALLOWED", "Minimum for " + product.brand() + " is "
                        + SandboxCatalog.plain(product.smallest()) + " " + product.currency()));
                continue;
            }
            if (!product.offers(faceValue)) {
                problems.add(new Problem("NOT_AVAILABLE_PRODUCT",
                        "Denomination " + item.denomination() + " is not available for " + product.brand()));
                continue;
            }
            if (!product.inStock(faceValue)) {
                problems.add(new Problem("OUT_OF_STOCK", product.brand() + " " + SandboxCatalog.plain(faceValue) + " "
                        + product.currency() + " is out of stock"));
                continue;
            }
            totalUsd = totalUsd.add(SandboxCatalog.toUsd(faceValue.multiply(BigDecimal.valueOf(item.quantity())),
                    product.currency()));
            lines.add(new Line(product, faceValue, item.quantity(), beneficiary));
        }
        if (totalUsd.compareTo(maxOrderAmount) > 0) {
            problems.add(new Problem("MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED",
                    "The order total exceeds " + SandboxCatalog.plain(maxOrderAmount) + " USD"));
        }
        return new Result(problems, lines, coin, network);
    }

    /** "100" or "100 USD" (the currency, when given, must be the product's). */
    static BigDecimal parseDenomination(String denomination, String currency) {
        if (denomination == null) {
            return null;
        }
        String[] parts = denomination.trim().split("\\s+");
        if (parts.length > 2 || (parts.length == 2 && !parts[1].equalsIgnoreCase(currency))) {
            return null;
        }
        try {
            BigDecimal value = new BigDecimal(parts[0]);
            return value.signum() > 0 && value.stripTrailingZeros().scale() <= 2 ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
