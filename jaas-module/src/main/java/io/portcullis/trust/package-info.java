/** Trust decisions: PKIX path validation of presented chains against per-area anchors. */
package io.portcullis.trust;
