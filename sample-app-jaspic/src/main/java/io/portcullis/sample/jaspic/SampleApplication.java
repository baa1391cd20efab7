package io.portcullis.sample.jaspic;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The sample's REST root: everything under {@code /api}. */
@ApplicationPath("/api")
public class SampleApplication extends Application {}
