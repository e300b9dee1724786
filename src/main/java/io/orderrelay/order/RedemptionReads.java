package io.orderrelay.order;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderrelay.security.SecretBox;
import io.quarkus.logging.Log;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Opens an order's sealed redemption data for an entitled caller, recording the read first. */
@ApplicationScoped
public class RedemptionReads {

    /** A delivery with its redemption data (pin_code, pin_serial, ...), null before upstream delivered it. */
    public record DeliveryRedemption(String brandName, String countryCode, String denomination, int quantity,
            String deliveryState,
            @Schema(implementation = Redemption.class, description = "The gift card itself, as upstream sent it; absent "
                    + "before delivery. A secret: never log it") JsonNode redemption) {
    }

    /**
     * The shape of {@code redemption} in /q/openapi, as in docs/schemas/order-transition-with-secrets.v1.json: the
     * members upstream sends, kept as JSON (a JsonNode) so that what is sealed is what upstream sent.
     */
    @Schema(minProperties = 1)
    public record Redemption(String pinCode, String pinSerial, String barcodeImageUrl, String redeemInstructions) {
    }

    private final EntityManager em;
    private final SecretBox secrets;
    private final OrderViews views;
    private final ObjectMapper json;
    private final Clock clock;

    public RedemptionReads(EntityManager em, SecretBox secrets, OrderViews views, ObjectMapper json, Clock clock) {
        this.em = em;
        this.secrets = secrets;
        this.views = views;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    public List<DeliveryRedemption> read(Order order, String apiKeyId) {
        em.createNativeQuery("insert into redemption_reads (id, order_id, api_key_id, read_at) values (?1, ?2, ?3, ?4)")
                .setParameter(1, Ids.newId()).setParameter(2, order.id).setParameter(3, apiKeyId)
                .setParameter(4, clock.instant())
                .executeUpdate();
        Log.infof("Audit: redemption data of order %s read by API key %s", order.id, apiKeyId);
        JsonNode redemption = order.redemptionSealed == null ? null : parse(secrets.open(order.redemptionSealed));
        List<OrderView.DeliveryView> deliveries = views.deliveries(order);
        List<DeliveryRedemption> result = new ArrayList<>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            OrderView.DeliveryView d = deliveries.get(i);
            JsonNode data = redemption != null && redemption.has(i) && !redemption.get(i).isNull() ? redemption.get(i) : null;
            result.add(new DeliveryRedemption(d.brandName(), d.countryCode(), d.denomination(), d.quantity(),
                    d.deliveryState(), data));
        }
        return result;
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("sealed redemption data is not JSON");
        }
    }
}
