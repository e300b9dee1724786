package io.orderrelay.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An order placed through order-relay, with the last snapshot we hold of it. */
@Entity
@Table(name = "orders")
public class Order extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "partner_id")
    public String partnerId;

    @Column(name = "client_reference")
    public String clientReference;

    @Column(name = "upstream_order_id")
    public String upstreamOrderId;

    public String state;

    public int sequence;

    @Column(name = "country_code")
    public String countryCode;

    public String lang;

    /** The create request as received (end-user email included): never published. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String request;

    public String coin;

    public String network;

    @Column(name = "payment_via")
    public String paymentVia;

    @Column(name = "wallet_address")
    public String walletAddress;

    @Column(name = "coin_amount")
    public BigDecimal coinAmount;

    @Column(name = "qr_text")
    public String qrText;

    @Column(name = "qr_url")
    public String qrUrl;

    @Column(name = "payment_state")
    public String paymentState;

    @Column(name = "pay_before")
    public Instant payBefore;

    /** Deliveries without redemption secrets, as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String deliveries;

    @Column(name = "upstream_updated_at")
    public BigDecimal upstreamUpdatedAt;

    /** Per delivery, the redemption data upstream sent at Done, sealed by SecretBox: a secret. */
    @Column(name = "redemption_sealed")
    public String redemptionSealed;

    @Column(name = "state_reason")
    public String stateReason;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean isTerminal() {
        return OrderState.isTerminal(state);
    }
}
