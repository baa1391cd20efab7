/** The sample application: plain Jakarta EE, roles only; Portcullis supplies the caller. */
package io.portcullis.sample;
