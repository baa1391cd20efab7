package io.portcullis.sample;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@code GET /api/relay}: a service-to-service call over mTLS. The sample calls a peer's whoami
 * with the server's own outbound identity (Liberty's {@code defaultSSLConfig}: its key store and
 * trust store) and returns what the peer saw. The peer is {@code portcullis.sample.peer} (MP
 * Config), by default this very application.
 */
@Path("/relay")
public class RelayResource {
  /** Liberty's JAX-RS client property naming the SSL configuration for outbound calls. */
  private static final String SSL_CONFIG = "com.ibm.ws.jaxrs.client.ssl.config";

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response relay(@Context UriInfo uri) {
    String peer =
        ConfigProvider.getConfig()
            .getOptionalValue("portcullis.sample.peer", String.class)
            .orElseGet(() -> uri.getBaseUriBuilder().path("whoami").build().toString());
    Client client = ClientBuilder.newBuilder().property(SSL_CONFIG, "defaultSSLConfig").build();
    try {
      String seen = client.target(peer).request(MediaType.APPLICATION_JSON).get(String.class);
      return Response.ok(seen).build();
    } finally {
      client.close();
    }
  }
}
