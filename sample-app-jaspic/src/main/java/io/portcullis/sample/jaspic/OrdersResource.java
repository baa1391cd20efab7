package io.portcullis.sample.jaspic;

import jakarta.annotation.security.RolesAllowed;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@code /api/orders}: readers list orders, writers add them. */
@Path("/orders")
public class OrdersResource {
  private static final CopyOnWriteArrayList<JsonObject> ORDERS = new CopyOnWriteArrayList<>();

  @GET
  @RolesAllowed("reader")
  @Produces(MediaType.APPLICATION_JSON)
  public JsonArray list() {
    return Json.createArrayBuilder(ORDERS).build();
  }

  @POST
  @RolesAllowed("writer")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response add(String item, @Context SecurityContext security) {
    JsonObject order =
        Json.createObjectBuilder()
            .add("id", ORDERS.size() + 1)
            .add("item", item == null ? "" : item.strip())
            .add("by", security.getUserPrincipal().getName())
            .build();
    ORDERS.add(order);
    return Response.status(Response.Status.CREATED).entity(order).build();
  }
}
