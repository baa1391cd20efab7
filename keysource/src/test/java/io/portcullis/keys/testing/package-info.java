/**
 * The real tokens the key source tests run against, started by the tests in a directory per run and
 * stopped afterwards: SoftHSM2 ({@link io.portcullis.keys.testing.SoftHsm}) and swtpm behind
 * tpm2-abrmd on a private D-Bus ({@link io.portcullis.keys.testing.SwTpm}). Shared with the CLI and
 * end-to-end tests through this module's test-jar.
 */
package io.portcullis.keys.testing;
