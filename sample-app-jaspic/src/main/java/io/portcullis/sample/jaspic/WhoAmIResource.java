package io.portcullis.sample.jaspic;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/**
 * {@code GET /api/whoami}: who the server thinks the caller is. Any authenticated caller may ask
 * (web.xml requires {@code **}); the identity is whatever the caller's certificate said.
 */
@Path("/whoami")
public class WhoAmIResource {
  /** The roles this application declares; whoami reports which of them the caller has. */
  static final List<String> ROLES = List.of("reader", "writer");

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JsonObject whoami(@Context SecurityContext security, @Context HttpServletRequest request) {
    // Like many real apps, this one keeps an HTTP session. Portcullis must never let the
    // session cookie stand in for a certificate: the tests replay it without one.
    request.getSession(true).setAttribute("lastCaller", security.getUserPrincipal().getName());
    JsonArrayBuilder roles = Json.createArrayBuilder();
    ROLES.stream().filter(security::isUserInRole).forEach(roles::add);
    return Json.createObjectBuilder()
        .add("principal", security.getUserPrincipal().getName())
        .add("roles", roles)
        .build();
  }
}
