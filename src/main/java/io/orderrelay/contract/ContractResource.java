package io.orderrelay.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The event contracts, served in every profile from the copies of docs/asyncapi.yaml and docs/schemas/*.json that
 * the build puts in the application (one source: docs/). Open to everyone, like the OpenAPI document: a contract
 * is not a secret, and consumers resolve the CloudEvents {@code dataschema} and the AsyncAPI $refs against it.
 */
@Path("/v1")
@PermitAll
@SecurityRequirements
@Tag(name = "contracts")
public class ContractResource {

    static final String ASYNCAPI = "contracts/asyncapi.yaml";
    static final String SCHEMAS = "contracts/schemas/";
    /** A schema file name as in docs/schemas: no path, so nothing else on the classpath can be read. */
    private static final Pattern SCHEMA_FILE = Pattern.compile("[a-z0-9-]{1,64}\\.v[0-9]{1,3}\\.json");

    @GET
    @Path("asyncapi.yaml")
    @Operation(operationId = "getAsyncApi", summary = "The AsyncAPI 3.0 document of the Kafka topic and the webhooks")
    @APIResponse(responseCode = "200", description = "docs/asyncapi.yaml; its schema $refs resolve to /v1/schemas/",
            content = @Content(mediaType = "application/yaml", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    @APIResponse(responseCode = "406", description = "The request's Accept excludes application/yaml",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = OpenApiContract.PROBLEM)))
    public Response asyncApi() {
        return Response.ok(read(ASYNCAPI), "application/yaml").build();
    }

    @GET
    @Path("schemas/{file}")
    @Operation(operationId = "getEventSchema", summary = "A JSON Schema (2020-12) of the events, e.g. order-event.v1.json",
            description = "The CloudEvents dataschema of an event names one of these (its $id ends with the file name).")
    @APIResponse(responseCode = "200", description = "The schema",
            content = @Content(mediaType = "application/schema+json", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "404", description = "No such schema",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = OpenApiContract.PROBLEM)))
    public Response schema(@PathParam("file") String file) {
        byte[] body = SCHEMA_FILE.matcher(file).matches() ? readIfPresent(SCHEMAS + file) : null;
        if (body == null) {
            throw ProblemException.notFound("schema " + file);
        }
        return Response.ok(body, "application/schema+json").build();
    }

    private static byte[] read(String resource) {
        byte[] body = readIfPresent(resource);
        if (body == null) {
            throw new IllegalStateException(resource + " is missing from the build (pom.xml copies it from docs/)");
        }
        return body;
    }

    private static byte[] readIfPresent(String resource) {
        try (InputStream in = ContractResource.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
