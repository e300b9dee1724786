package io.orderrelay.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The console's pages (docs/console.md). Each is a static shell: the API key lives in the browser's sessionStorage
 * and never reaches this resource, so the pages hold no data; their ES modules (META-INF/resources/console/static)
 * call the public /v1 API with the key and fill them. Path parameters are only handed to the page (escaped by Qute)
 * for its module to ask the API about; the API checks them. The Content-Security-Policy comes from
 * {@code quarkus.http.filter.console} in application.properties.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn();

        static native TemplateInstance orders();

        static native TemplateInstance order(String id);

        static native TemplateInstance uncertain();

        static native TemplateInstance webhooks();

        static native TemplateInstance endpoint(String partnerId, String id);

        static native TemplateInstance operations();

        static native TemplateInstance eventTypes();
    }

    @GET
    public TemplateInstance signIn() {
        return Templates.signIn();
    }

    @GET
    @Path("/orders")
    public TemplateInstance orders() {
        return Templates.orders();
    }

    @GET
    @Path("/orders/{id}")
    public TemplateInstance order(@PathParam("id") String id) {
        return Templates.order(id);
    }

    @GET
    @Path("/uncertain")
    public TemplateInstance uncertain() {
        return Templates.uncertain();
    }

    @GET
    @Path("/webhooks")
    public TemplateInstance webhooks() {
        return Templates.webhooks();
    }

    @GET
    @Path("/webhooks/{partner_id}/{id}")
    public TemplateInstance endpoint(@PathParam("partner_id") String partnerId, @PathParam("id") String id) {
        return Templates.endpoint(partnerId, id);
    }

    @GET
    @Path("/operations")
    public TemplateInstance operations() {
        return Templates.operations();
    }

    @GET
    @Path("/event-types")
    public TemplateInstance eventTypes() {
        return Templates.eventTypes();
    }
}
