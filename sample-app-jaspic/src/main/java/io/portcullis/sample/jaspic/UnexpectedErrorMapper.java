package io.portcullis.sample.jaspic;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps server-side failures out of response bodies: an exception's text can name other callers
 * (Liberty's session security, for one, names the session's owner), so the client gets a bare
 * status and the details go to the server log only.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {
  private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

  @Override
  public Response toResponse(RuntimeException exception) {
    if (exception instanceof WebApplicationException web) {
      return web.getResponse();
    }
    LOG.log(Level.WARNING, "request failed", exception);
    return Response.status(Response.Status.INTERNAL_SERVER_ERROR).build();
  }
}
