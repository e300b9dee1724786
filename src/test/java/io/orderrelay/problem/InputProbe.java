package io.orderrelay.problem;

import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.orderrelay.security.Scopes;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Test-only resources with no validation of their own, to watch the generic guards alone: parameters echoed as
 * received, and a value PostgreSQL refuses as a resource would meet it.
 */
@Path("/v1/test-input")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Scopes.ADMIN)
public class InputProbe {

    private final EntityManager em;

    public InputProbe(EntityManager em) {
        this.em = em;
    }

    public record Echo(String value, String query, String header) {
    }

    @GET
    @Path("/echo/{value}")
    @Operation(hidden = true)
    public Echo echo(@PathParam("value") String value, @QueryParam("query") String query,
            @HeaderParam("X-Echo") String header) {
        return new Echo(value, query, header);
    }

    @GET
    @Path("/data-exception")
    @Operation(hidden = true)
    public String cast(@QueryParam("time") String time) {
        return em.createNativeQuery("select cast(?1 as timestamptz)").setParameter(1, time).getSingleResult().toString();
    }
}
