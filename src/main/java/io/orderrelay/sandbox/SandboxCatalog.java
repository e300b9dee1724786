package io.orderrelay.sandbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sandbox's fixed catalogue: countries, brands, denominations, coins, networks and exchange rates. Plain data,
 * no bean: the same in every run so that tests can rely on it.
 */
final class SandboxCatalog {

    record Country(String code, String currency, BigDecimal usdPerUnit) {
    }

    /** A gift card of one brand in one country: fixed denominations, or a range when {@code min} is set. */
    record Product(String brand, String category, String country, String currency, List<BigDecimal> denominations,
            BigDecimal min, BigDecimal max, Set<BigDecimal> outOfStock, boolean brandOutOfStock) {

        String familyName() {
            return brand.toLowerCase(Locale.ROOT).replace(' ', '-');
        }

        boolean isRange() {
            return min != null;
        }

        boolean inStock(BigDecimal faceValue) {
            return !brandOutOfStock && outOfStock.stream().noneMatch(v -> v.compareTo(faceValue) == 0);
        }

        boolean offers(BigDecimal faceValue) {
            if (isRange()) {
                return faceValue.compareTo(min) >= 0 && faceValue.compareTo(max) <= 0;
            }
            return denominations.stream().anyMatch(v -> v.compareTo(faceValue) == 0);
        }

        BigDecimal smallest() {
            return isRange() ? min : denominations.get(0);
        }
    }

    record Network(String name, Integer chainId, String baseToken, BigDecimal threshold, boolean suspended,
            String smartContract) {
    }

    record Coin(String name, BigDecimal usdPerCoin, int decimals, BigDecimal threshold, boolean suspended,
            List<Network> networks) {
    }

    static final Map<String, Country> COUNTRIES = new LinkedHashMap<>();
    static final List<Product> PRODUCTS = new ArrayList<>();
    static final Map<String, Coin> COINS = new LinkedHashMap<>();

    static {
        country("US", "USD", "1");
        country("GB", "GBP", "1.27");
        country("FR", "EUR", "1.08");
        country("DE", "EUR", "1.08");

        fixed("Airbnb", "Travel", "US", "25,50,100,200");
        fixed("Airbnb", "Travel", "GB", "25,50,100");
        fixed("Airbnb", "Travel", "FR", "25,50,100,150");
        fixed("Airbnb", "Travel", "DE", "25,50,100,150");
        PRODUCTS.add(product("Amazon", "Shopping", "US", List.of(), new BigDecimal("5"), new BigDecimal("500"), Set.of(), false));
        PRODUCTS.add(product("Amazon", "Shopping", "GB", List.of(), new BigDecimal("5"), new BigDecimal("500"), Set.of(), false));
        fixed("Amazon", "Shopping", "FR", "10,25,50,100");
        fixed("Amazon", "Shopping", "DE", "10,25,50,100");
        fixed("Netflix", "Entertainment", "US", "25,50,100");
        fixed("Netflix", "Entertainment", "GB", "15,25,50");
        fixed("Netflix", "Entertainment", "FR", "15,25,50");
        fixed("Netflix", "Entertainment", "DE", "15,25,50");
        // Steam US 500 is permanently out of stock: the OUT_OF_STOCK trigger.
        PRODUCTS.add(product("Steam", "Gaming", "US", values("20,50,100,500"), null, null, Set.of(new BigDecimal("500")), false));
        fixed("Steam", "Gaming", "GB", "10,20,50");
        fixed("Steam", "Gaming", "DE", "20,50,100");
        fixed("Uber", "Travel", "US", "25,50,100");
        fixed("Uber", "Travel", "GB", "25,50");
        // Uber FR: the whole brand is out of stock.
        PRODUCTS.add(product("Uber", "Travel", "FR", values("25,50"), null, null, Set.of(), true));

        coin("USDC", "1", 2, false,
                network("Solana", null, "SOL", false, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
                network("Base", 8453, "ETH", false, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
                network("Polygon", 137, "POL", false, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
                network("Arbitrum", 42161, "ETH", false, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"),
                network("Ethereum", 1, "ETH", false, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"));
        coin("USDT", "1", 2, false,
                network("Ethereum", 1, "ETH", false, "0xdAC17F958D2ee523a2206206994597C13D831ec7"),
                network("Polygon", 137, "POL", false, "0xc2132D05D31c914a87C6611C10748AEb04B58e8F"),
                // a suspended network: the SUSPENDED_NETWORK trigger
                network("Tron", null, "TRX", true, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"));
        coin("BTC", "60000", 8, false, network("Bitcoin", null, "BTC", false, null),
                network("Lightning", null, "BTC", false, null));
        coin("ETH", "3000", 8, false, network("Ethereum", 1, "ETH", false, null), network("Base", 8453, "ETH", false, null),
                network("Arbitrum", 42161, "ETH", false, null));
        coin("SOL", "150", 6, false, network("Solana", null, "SOL", false, null));
        // a suspended coin: the SUSPENDED_COIN trigger
        coin("DOGE", "0.15", 4, true, network("Dogecoin", null, "DOGE", false, null));
    }

    private SandboxCatalog() {
    }

    static Optional<Country> country(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(COUNTRIES.get(code.toUpperCase(Locale.ROOT)));
    }

    static List<Product> products(String country) {
        return PRODUCTS.stream().filter(p -> p.country().equalsIgnoreCase(country)).toList();
    }

    static Optional<Product> product(String brand, String country) {
        if (brand == null || country == null) {
            return Optional.empty();
        }
        return PRODUCTS.stream()
                .filter(p -> p.country().equalsIgnoreCase(country)
                        && (p.brand().equalsIgnoreCase(brand) || p.familyName().equalsIgnoreCase(brand)))
                .findFirst();
    }

    static Optional<Coin> coin(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(COINS.get(name.toUpperCase(Locale.ROOT)));
    }

    static Optional<Network> network(Coin coin, String name) {
        return coin.networks().stream().filter(n -> n.name().equalsIgnoreCase(name)).findFirst();
    }

    /** Face value in a country's currency expressed in USD. */
    static BigDecimal toUsd(BigDecimal amount, String currency) {
        BigDecimal rate = COUNTRIES.values().stream().filter(c -> c.currency().equals(currency)).findFirst()
                .map(Country::usdPerUnit).orElse(BigDecimal.ONE);
        return amount.multiply(rate);
    }

    /** Exact coin amount for a fiat amount: fiat -> USD by fixed rate, / coin rate, rounded up to the coin's decimals. */
    static BigDecimal coinAmount(BigDecimal fiat, String currency, Coin coin) {
        return toUsd(fiat, currency).divide(coin.usdPerCoin(), coin.decimals(), RoundingMode.UP);
    }

    static String localized(BigDecimal value, String currency) {
        String v = value.stripTrailingZeros().toPlainString();
        return switch (currency) {
            case "USD" -> "$" + v;
            case "GBP" -> "£" + v;
            case "EUR" -> v + " €";
            default -> v + " " + currency;
        };
    }

    static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static void country(String code, String currency, String usd) {
        COUNTRIES.put(code, new Country(code, currency, new BigDecimal(usd)));
    }

    private static void fixed(String brand, String category, String country, String denominations) {
        PRODUCTS.add(product(brand, category, country, values(denominations), null, null, Set.of(), false));
    }

    private static Product product(String brand, String category, String country, List<BigDecimal> denominations,
            BigDecimal min, BigDecimal max, Set<BigDecimal> outOfStock, boolean brandOutOfStock) {
        return new Product(brand, category, country, COUNTRIES.get(country).currency(), denominations, min, max, outOfStock,
                brandOutOfStock);
    }

    private static List<BigDecimal> values(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(BigDecimal::new).toList();
    }

    private static Network network(String name, Integer chainId, String baseToken, boolean suspended, String contract) {
        return new Network(name, chainId, baseToken, BigDecimal.ZERO, suspended, contract);
    }

    private static void coin(String name, String usd, int decimals, boolean suspended, Network... networks) {
        COINS.put(name, new Coin(name, new BigDecimal(usd), decimals, BigDecimal.ZERO, suspended, List.of(networks)));
    }
}
