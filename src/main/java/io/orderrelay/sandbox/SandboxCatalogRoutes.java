package io.orderrelay.sandbox;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.sandbox.SandboxCatalog.Coin;
import io.orderrelay.sandbox.SandboxCatalog.Network;
import io.orderrelay.sandbox.SandboxCatalog.Product;
import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.ext.web.RoutingContext;

/** Catalogue paths of the simulated upstream: payment vias, brands, homepage, products and price. */
@IfBuildProfile(anyOf = { "dev", "test" })
@ApplicationScoped
class SandboxCatalogRoutes {

    private final SandboxHttp http;
    private final ObjectMapper mapper;

    SandboxCatalogRoutes(SandboxHttp http) {
        this.http = http;
        this.mapper = http.mapper();
    }

    void paymentVias(RoutingContext rc) {
        ArrayNode out = mapper.createArrayNode();
        ObjectNode wallet = out.addObject();
        wallet.put("name", "USER_WALLET");
        wallet.put("available", true);
        wallet.put("logo_url", "https://sandbox.cryptorefills.invalid/logos/user_wallet.svg");
        ArrayNode currencies = wallet.putArray("currencies");
        for (Coin coin : SandboxCatalog.COINS.values()) {
            ObjectNode c = currencies.addObject();
            c.put("name", coin.name());
            c.put("threshold", coin.threshold());
            c.put("is_suspended", coin.suspended());
            ArrayNode networks = c.putArray("networks");
            for (Network n : coin.networks()) {
                ObjectNode nn = networks.addObject();
                nn.put("name", n.name());
                if (n.chainId() == null) {
                    nn.putNull("chain_id");
                } else {
                    nn.put("chain_id", n.chainId());
                }
                nn.put("base_token", n.baseToken());
                nn.put("threshold", n.threshold());
                nn.put("is_suspended", n.suspended());
                if (n.smartContract() == null) {
                    nn.putNull("smart_contract");
                } else {
                    nn.put("smart_contract", n.smartContract());
                }
            }
        }
        ObjectNode binance = out.addObject();
        binance.put("name", "BINANCE_PAY");
        binance.put("available", false);
        binance.put("logo_url", "https://sandbox.cryptorefills.invalid/logos/binance_pay.svg");
        binance.putArray("currencies");
        http.json(rc, 200, out);
    }

    void brands(RoutingContext rc) {
        if (http.missing(rc, "country_code")) {
            return;
        }
        // an unknown country has no brands: an empty list, as a filter would give
        ArrayNode out = mapper.createArrayNode();
        brandsOf(rc.queryParams().get("country_code")).forEach(out::add);
        http.json(rc, 200, out);
    }

    void homepage(RoutingContext rc) {
        if (http.missing(rc, "country_code")) {
            return;
        }
        String cc = rc.queryParams().get("country_code").toUpperCase(Locale.ROOT);
        ObjectNode out = mapper.createObjectNode();
        out.put("country_code", cc);
        ArrayNode sections = out.putArray("sections");
        List<ObjectNode> brands = brandsOf(cc);
        if (!brands.isEmpty()) {
            ObjectNode popular = sections.addObject();
            popular.put("name", "popular");
            popular.put("title", "Popular gift cards");
            brands.forEach(popular.putArray("brands")::add);
            Set<String> categories = new LinkedHashSet<>();
            brands.forEach(b -> categories.add(b.get("category").asText()));
            for (String category : categories) {
                ObjectNode s = sections.addObject();
                s.put("name", category.toLowerCase(Locale.ROOT));
                s.put("title", category);
                ArrayNode list = s.putArray("brands");
                brands.stream().filter(b -> b.get("category").asText().equals(category)).forEach(list::add);
            }
        }
        http.json(rc, 200, out);
    }

    private List<ObjectNode> brandsOf(String country) {
        List<ObjectNode> out = new ArrayList<>();
        for (Product p : SandboxCatalog.products(country)) {
            ObjectNode b = mapper.createObjectNode();
            b.put("brand_name", p.brand());
            b.put("family_name", p.familyName());
            b.put("category", p.category());
            b.put("country_code", p.country());
            b.put("currency", p.currency());
            b.put("in_stock", !p.brandOutOfStock());
            b.put("logo_url", "https://sandbox.cryptorefills.invalid/logos/" + p.familyName() + ".svg");
            out.add(b);
        }
        return out;
    }

    void products(RoutingContext rc) {
        String cc = rc.pathParam("cc").toUpperCase(Locale.ROOT);
        if (SandboxCatalog.country(cc).isEmpty()) {
            http.message(rc, 404, "Country " + cc + " is not supported");
            return;
        }
        String coinName = rc.queryParams().get("coin");
        Coin coin = null;
        if (coinName != null) {
            coin = SandboxCatalog.coin(coinName).orElse(null);
            if (coin == null) {
                http.problem(rc, 400, "Unsupported coin", "coin " + coinName + " is not supported");
                return;
            }
        }
        String family = rc.queryParams().get("family_name");
        String lang = Optional.ofNullable(rc.queryParams().get("lang")).orElse("en");
        ArrayNode out = mapper.createArrayNode();
        for (Product p : SandboxCatalog.products(cc)) {
            if (family != null && !p.familyName().equalsIgnoreCase(family) && !p.brand().equalsIgnoreCase(family)) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("product_id", p.familyName() + "-" + p.country().toLowerCase(Locale.ROOT));
            o.put("brand_name", p.brand());
            o.put("family_name", p.familyName());
            o.put("category", p.category());
            o.put("country_code", p.country());
            o.put("currency", p.currency());
            o.put("lang", lang);
            o.put("in_stock", !p.brandOutOfStock());
            o.put("face_value_type", p.isRange() ? "range" : "fixed");
            if (p.isRange()) {
                o.put("min_face_value", SandboxCatalog.plain(p.min()));
                o.put("max_face_value", SandboxCatalog.plain(p.max()));
            }
            if (coin != null) {
                o.put("coin", coin.name());
            }
            ArrayNode denominations = o.putArray("denominations");
            List<BigDecimal> values = p.isRange() ? List.of(p.min(), new BigDecimal("25"), new BigDecimal("50"),
                    new BigDecimal("100"), p.max()) : p.denominations();
            for (BigDecimal v : values) {
                ObjectNode d = denominations.addObject();
                d.put("face_value", SandboxCatalog.plain(v));
                d.put("denomination", SandboxCatalog.plain(v) + " " + p.currency());
                d.put("localized_denomination", SandboxCatalog.localized(v, p.currency()));
                d.put("in_stock", p.inStock(v));
                if (coin != null) {
                    d.put("coin_amount", SandboxCatalog.coinAmount(v, p.currency(), coin).toPlainString());
                }
            }
        }
        http.json(rc, 200, out);
    }

    void price(RoutingContext rc) {
        if (http.missing(rc, "brand_name", "country_code", "face_value", "coin")) {
            return;
        }
        var q = rc.queryParams();
        Coin coin = SandboxCatalog.coin(q.get("coin")).orElse(null);
        if (coin == null) {
            http.problem(rc, 400, "Unsupported coin", "coin " + q.get("coin") + " is not supported");
            return;
        }
        Product product = SandboxCatalog.product(q.get("brand_name"), q.get("country_code")).orElse(null);
        BigDecimal faceValue = product == null ? null
                : SandboxValidator.parseDenomination(q.get("face_value"), product.currency());
        if (product == null || faceValue == null || !product.offers(faceValue)) {
            http.message(rc, 404, "Product not found");
            return;
        }
        ObjectNode out = mapper.createObjectNode();
        out.put("brand_name", product.brand());
        out.put("country_code", product.country());
        out.put("face_value", SandboxCatalog.plain(faceValue));
        out.put("currency", product.currency());
        out.put("coin", coin.name());
        out.put("coin_amount", SandboxCatalog.coinAmount(faceValue, product.currency(), coin).toPlainString());
        out.put("in_stock", product.inStock(faceValue));
        http.json(rc, 200, out);
    }
}
