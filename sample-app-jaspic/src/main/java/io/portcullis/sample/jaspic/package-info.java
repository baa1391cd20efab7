/**
 * The sample application authenticated by the Portcullis Jakarta Authentication module it registers
 * itself; the resources are the sample's, so both report callers the same way.
 */
package io.portcullis.sample.jaspic;
