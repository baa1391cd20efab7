/** A JAAS {@link javax.security.auth.spi.LoginModule} over the shared certificate identity path. */
package io.portcullis.jaas;
