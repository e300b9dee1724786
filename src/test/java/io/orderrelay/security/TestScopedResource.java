package io.orderrelay.security;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Test-only /v1 resource: what a business resource sees of its caller. */
@Path("/v1/test-scoped")
@Produces(MediaType.APPLICATION_JSON)
public class TestScopedResource {

    private final Caller caller;

    public TestScopedResource(Caller caller) {
        this.caller = caller;
    }

    public record Seen(String keyId, String boundPartner, boolean canSeeAcme, boolean canSeeGlobex,
            boolean hasOrdersWrite) {
    }

    public record Payload(String name, int count) {
    }

    @GET
    @RolesAllowed(Scopes.ORDERS_READ)
    public Seen get() {
        return new Seen(caller.keyId(), caller.boundPartner().orElse(null), caller.canSee("acme"),
                caller.canSee("globex"), caller.hasScope(Scopes.ORDERS_WRITE));
    }

    @POST
    @RolesAllowed(Scopes.ORDERS_READ)
    @Consumes(MediaType.APPLICATION_JSON)
    public Payload post(Payload payload) {
        return payload;
    }
}
