/**
 * The feature's metrics in MicroProfile Metrics, with no code in the application: Liberty's CDI SPI
 * adds a bean to each application, and the first application to start registers the feature's
 * gauges and counters in the registry of scope {@code portcullis} and keeps them current.
 */
package io.portcullis.liberty.metrics;
