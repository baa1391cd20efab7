/**
 * Configuration: turns a flat map of {@code portcullis.*} properties (MicroProfile Config, or
 * server.xml flattened by {@link io.portcullis.config.ServerXmlFlattener}) into trust areas,
 * policy, revocation, deny-list and role rules, with PRTC07xx errors for bad values.
 */
package io.portcullis.config;
