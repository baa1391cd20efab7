/**
 * The feature's health in MicroProfile Health, with no code in the application: Liberty's CDI SPI
 * adds a CDI extension to each application, and the extension adds one check per key source and
 * trust area, plus the feature's liveness and startup checks, to the first application that starts.
 */
package io.portcullis.liberty.health;
