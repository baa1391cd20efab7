/** Role rules: match identity attributes and grant the groups that applications bind to roles. */
package io.portcullis.rules;
