/** The shared identity path: chain to trusted identity to groups, as used by every adapter. */
package io.portcullis.auth;
