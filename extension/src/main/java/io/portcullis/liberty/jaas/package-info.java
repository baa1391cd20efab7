/**
 * The Portcullis JAAS login module in Liberty's clothes: for {@code system.WEB_INBOUND}, loaded
 * from the feature's bundle jar through a shared library. It translates Liberty's callbacks and
 * credential hashtable; the decision stays in the core's {@code CertificateAuthenticator}.
 */
package io.portcullis.liberty.jaas;
