/** Test fixtures: a PKI built in code, shared with the other modules through the test jar. */
package io.portcullis.testing;
