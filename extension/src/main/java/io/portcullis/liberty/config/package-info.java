/**
 * Settings for the feature's components: {@code <usr_portcullis>} as Liberty delivers it mapped to
 * the core's {@code portcullis.*} properties, MicroProfile Config on top, and the value helpers
 * both mappers use.
 */
package io.portcullis.liberty.config;
