/**
 * What the feature knows of its own state, gathered from the components that hold it (the
 * interceptor's trust areas, the key sources and their agents, the background threads) and judged
 * into the checks of {@link io.portcullis.liberty.report.FeatureReport}.
 */
package io.portcullis.liberty.state;
