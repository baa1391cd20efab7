/**
 * Renewal from any ACME server (RFC 8555): {@link io.portcullis.acme.AcmeIssuer} is the renewal
 * agent's {@link io.portcullis.renewal.Issuer} for {@code renew="acme"}.
 */
package io.portcullis.acme;
