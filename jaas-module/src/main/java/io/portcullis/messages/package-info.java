/** Operator-facing messages with IDs ({@code PRTCnnnnX}), explanations and user actions. */
package io.portcullis.messages;
