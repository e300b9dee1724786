package io.orderrelay.order;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;

import org.hibernate.Session;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Reads of orders and transitions for the API; no writes here. */
@ApplicationScoped
public class OrderQueries {

    public record Filter(String partnerId, String state, String clientReference, Instant createdFrom, Instant createdTo) {
    }

    @Schema(name = "OrderPage", description = "next_cursor is absent on the last page")
    public record Page(List<OrderView> items, String nextCursor) {
    }

    private final EntityManager em;
    private final OrderViews views;

    public OrderQueries(EntityManager em, OrderViews views) {
        this.em = em;
        this.views = views;
    }

    public Optional<Order> find(UUID id) {
        return Optional.ofNullable(em.find(Order.class, id));
    }

    public Page list(Filter filter, int limit, String cursor) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (filter.partnerId() != null) {
            where.append(" and o.partnerId = :partner");
            params.put("partner", filter.partnerId());
        }
        if (filter.state() != null) {
            where.append(" and o.state = :state");
            params.put("state", filter.state());
        }
        if (filter.clientReference() != null) {
            where.append(" and o.clientReference = :reference");
            params.put("reference", filter.clientReference());
        }
        if (filter.createdFrom() != null) {
            where.append(" and o.createdAt >= :from");
            params.put("from", filter.createdFrom());
        }
        if (filter.createdTo() != null) {
            where.append(" and o.createdAt < :to");
            params.put("to", filter.createdTo());
        }
        if (cursor != null) {
            OrderCursor after = OrderCursor.decode(cursor);
            where.append(" and (o.createdAt < :cursorAt or (o.createdAt = :cursorAt and o.id < :cursorId))");
            params.put("cursorAt", after.createdAt());
            params.put("cursorId", after.id());
        }
        var query = em.createQuery("select o from Order o where " + where + " order by o.createdAt desc, o.id desc",
                Order.class).setMaxResults(limit + 1);
        params.forEach(query::setParameter);
        List<Order> rows = query.getResultList();
        boolean more = rows.size() > limit;
        List<Order> page = more ? rows.subList(0, limit) : rows;
        String next = more ? new OrderCursor(page.get(limit - 1).createdAt, page.get(limit - 1).id).encode() : null;
        return new Page(page.stream().map(views::view).toList(), next);
    }

    public List<TransitionView> transitions(UUID orderId, int afterSequence) {
        return em.unwrap(Session.class).createNativeQuery("""
                select sequence, from_state, to_state, occurred_at, source from order_transitions
                where order_id = ?1 and sequence > ?2 order by sequence""", Tuple.class)
                .setParameter(1, orderId).setParameter(2, afterSequence)
                .addScalar("sequence", Integer.class).addScalar("from_state", String.class)
                .addScalar("to_state", String.class).addScalar("occurred_at", Instant.class)
                .addScalar("source", String.class)
                .getResultList().stream().map(TransitionView::of).toList();
    }
}
