/**
 * A Jakarta Authentication 3.0 {@code ServerAuthModule} over the shared certificate identity path.
 */
package io.portcullis.jaspic;
