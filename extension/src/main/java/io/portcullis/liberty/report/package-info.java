/**
 * What the feature reports of itself, for the bundles that publish it where operators look
 * (MicroProfile Health, MicroProfile Metrics): plain Java names, states, data and numbers, so a
 * reporting bundle needs nothing of the feature's internals. The only package the feature's bundle
 * exports (version 1.2.0, in bnd.bnd).
 */
package io.portcullis.liberty.report;
