package io.orderrelay.sandbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.sandbox.SandboxCatalog.Coin;
import io.orderrelay.sandbox.SandboxCatalog.Network;
import io.orderrelay.sandbox.SandboxValidator.Line;

/**
 * One simulated upstream order. Every state change renders an immutable snapshot (the JSON upstream would send) that
 * is kept in a short history and pushed to the live subscribers. Mutations are synchronized on the order.
 */
final class SandboxOrder {

    /** An order as upstream sends it at one moment. Never mutate {@code json}: copy it. */
    record Snapshot(ObjectNode json, String state, String text) {
        boolean terminal() {
            return OrderStates.isTerminal(state);
        }
    }

    /** Receives each new snapshot (previous one included, for the stale-message fault). */
    interface Subscriber {
        void onChange(Snapshot current, Snapshot previous);
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int HISTORY = 32;

    private record Delivery(String id, Line line) {
    }

    final String id = UUID.randomUUID().toString();
    private final String email;
    private final Coin coin;
    private final Network network;
    private final String walletAddress;
    private final BigDecimal coinAmount;
    private final String fiatCurrency;
    private final BigDecimal fiatTotal;
    private final String paymentId = UUID.randomUUID().toString();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final BigDecimal createdAt;
    private final Deque<Snapshot> history = new ArrayDeque<>();
    final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    private BigDecimal updatedAt;
    private String state;
    private String paymentState = "WalletCreated";
    private String deliveryState = "Pending";
    private Deque<String> remainingPath = new ArrayDeque<>(OrderStates.DEFAULT_PATH.subList(1, OrderStates.DEFAULT_PATH.size()));
    private volatile long lastChangeNanos = System.nanoTime();

    SandboxOrder(String email, List<Line> lines, Coin coin, Network network) {
        this.email = email;
        this.coin = coin;
        this.network = network;
        this.fiatCurrency = lines.get(0).product().currency();
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal coins = BigDecimal.ZERO;
        for (Line line : lines) {
            BigDecimal lineTotal = line.faceValue().multiply(BigDecimal.valueOf(line.quantity()));
            total = total.add(lineTotal);
            coins = coins.add(SandboxCatalog.coinAmount(lineTotal, line.product().currency(), coin));
            for (int i = 0; i < line.quantity(); i++) {
                deliveries.add(new Delivery(UUID.randomUUID().toString(), line));
            }
        }
        this.fiatTotal = total;
        this.coinAmount = coins.setScale(coin.decimals(), RoundingMode.UP);
        this.walletAddress = walletAddress(network.name());
        this.createdAt = now(null);
        this.updatedAt = createdAt;
        this.state = OrderStates.WAITING_FOR_PAYMENT;
        history.add(render());
    }

    synchronized Snapshot current() {
        return history.peekLast();
    }

    synchronized String state() {
        return state;
    }

    synchronized List<String> remainingPath() {
        return List.copyOf(remainingPath);
    }

    long lastChangeNanos() {
        return lastChangeNanos;
    }

    /** Registers a subscriber and returns the snapshot it must send first; atomic with respect to changes. */
    synchronized Snapshot subscribe(Subscriber subscriber) {
        subscribers.add(subscriber);
        return current();
    }

    void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /** Moves to the next state of the remaining path; false when there is none. */
    synchronized boolean advance() {
        String next = remainingPath.pollFirst();
        if (next == null) {
            return false;
        }
        apply(next);
        return true;
    }

    /** Forces a state (any string); the remaining path follows from it when the state is known. */
    synchronized void forceState(String newState) {
        List<String> after = OrderStates.pathAfter(newState);
        if (after != null) {
            remainingPath = new ArrayDeque<>(after);
        }
        apply(newState);
    }

    synchronized void setPath(List<String> states) {
        remainingPath = new ArrayDeque<>(states);
    }

    private void apply(String newState) {
        Snapshot previous = current();
        state = newState;
        paymentState = OrderStates.paymentState(newState, paymentState);
        deliveryState = OrderStates.deliveryState(newState, deliveryState);
        updatedAt = now(updatedAt);
        lastChangeNanos = System.nanoTime();
        Snapshot next = render();
        history.addLast(next);
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        for (Subscriber s : subscribers) {
            s.onChange(next, previous);
        }
    }

    /** The snapshot before {@code snapshot}, for the stale-message fault; a synthetic older one for the first. */
    synchronized Snapshot before(Snapshot snapshot) {
        Snapshot prior = null;
        for (Snapshot s : history) {
            if (s == snapshot) {
                break;
            }
            prior = s;
        }
        if (prior != null) {
            return prior;
        }
        ObjectNode older = snapshot.json().deepCopy();
        older.put("order_state", OrderStates.CREATED);
        older.put("updated_at", createdAt.subtract(BigDecimal.ONE));
        older.put("created_at", createdAt.subtract(BigDecimal.ONE));
        return new Snapshot(older, OrderStates.CREATED, older.toString());
    }

    private Snapshot render() {
        ObjectNode o = NODES.objectNode();
        o.put("order_id", id);
        o.put("order_state", state);
        o.put("created_at", createdAt);
        o.put("updated_at", updatedAt);
        o.put("wallet_address", walletAddress);
        o.put("coin", coin.name());
        o.put("network", network.name());
        o.put("payment_method", coin.name() + "_" + network.name().toUpperCase(java.util.Locale.ROOT));
        o.put("payment_via", "USER_WALLET");
        o.put("coin_amount", coinAmount.toPlainString());
        boolean paid = "PaymentReceived".equals(paymentState) || "PaymentCompleted".equals(paymentState);
        BigDecimal sent = paid ? coinAmount
                : OrderStates.PARTIAL_PAYMENT_STARTED.equals(state)
                        ? coinAmount.divide(BigDecimal.valueOf(2), coin.decimals(), RoundingMode.DOWN)
                        : BigDecimal.ZERO.setScale(coin.decimals());
        o.put("sent_coin_amount", sent.toPlainString());
        ObjectNode price = o.putObject("original_price");
        price.put("amount", fiatTotal.setScale(2, RoundingMode.HALF_UP).toPlainString());
        price.put("currency", fiatCurrency);
        String qrText = qrScheme() + ":" + walletAddress + "?amount=" + coinAmount.toPlainString();
        o.put("qr_text", qrText);
        o.put("qr_url", "https://sandbox.cryptorefills.invalid/qr/" + id + ".png");
        o.put("payment_state", paymentState);
        o.put("payment_id", paymentId);
        o.put("payment_value", sent);
        ArrayNode ds = o.putArray("deliveries");
        boolean done = OrderStates.DONE.equals(state);
        for (Delivery d : deliveries) {
            ObjectNode dn = ds.addObject();
            dn.put("id", d.id());
            dn.put("delivery_state", deliveryState);
            dn.put("kind", "giftcard");
            ObjectNode del = dn.putObject("deliverable");
            Line line = d.line();
            String currency = line.product().currency();
            del.put("denomination", SandboxCatalog.plain(line.faceValue()) + " " + currency);
            del.put("localized_denomination", SandboxCatalog.localized(line.faceValue(), currency));
            del.put("brand_name", line.product().brand());
            del.put("beneficiary_account", line.beneficiaryAccount());
            del.put("country_code", line.product().country());
            del.put("delivery_type", "email");
            if (done) {
                // fake but stable per delivery: derived from the delivery id
                String hex = d.id().replace("-", "").toUpperCase(java.util.Locale.ROOT);
                del.put("pin_code", hex.substring(0, 4) + "-" + hex.substring(4, 8) + "-" + hex.substring(8, 12) + "-"
                        + hex.substring(12, 16));
                del.put("pin_serial", "SN" + hex.substring(16, 28));
                del.put("barcode_image_url", "https://sandbox.cryptorefills.invalid/barcode/" + d.id() + ".png");
                del.put("redeem_instructions", "Redeem at " + line.product().familyName() + ".example/redeem with the PIN code.");
            }
        }
        o.putObject("user").put("email", email);
        if (OrderStates.REFUNDED.equals(state)) {
            ObjectNode refund = o.putObject("refund");
            refund.put("amount", coinAmount.toPlainString());
            refund.put("currency", coin.name());
            refund.put("reason", "Delivery failed");
        }
        // serialized once, shared by every subscriber of the order
        return new Snapshot(o, state, o.toString());
    }

    private String qrScheme() {
        return switch (network.name()) {
            case "Bitcoin" -> "bitcoin";
            case "Lightning" -> "lightning";
            case "Solana" -> "solana";
            default -> "ethereum";
        };
    }

    /** Epoch seconds with microseconds, strictly after {@code previous}. */
    private static BigDecimal now(BigDecimal previous) {
        Instant t = Instant.now();
        BigDecimal v = BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano() / 1000, 6));
        if (previous != null && v.compareTo(previous) <= 0) {
            v = previous.add(new BigDecimal("0.000001"));
        }
        return v;
    }

    private static String walletAddress(String network) {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        String hex = HexFormat.of().formatHex(bytes);
        return switch (network) {
            case "Solana" -> base58(32);
            case "Bitcoin" -> "bc1q" + hex.substring(0, 38);
            case "Lightning" -> "lnbc1" + hex + hex;
            case "Tron" -> "T" + base58(33);
            case "Dogecoin" -> "D" + base58(33);
            default -> "0x" + hex;
        };
    }

    private static String base58(int length) {
        String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder(length + 12);
        for (int i = 0; i < length + 12; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.substring(0, Math.min(sb.length(), 44));
    }
}
