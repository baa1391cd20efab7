/** A throw-away PKI for the demo and the end-to-end tests; never for production. */
package io.portcullis.devpki;
