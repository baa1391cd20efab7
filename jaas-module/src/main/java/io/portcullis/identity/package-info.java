/** Workload identity: what a verified certificate says about its holder (SPIFFE ID, SANs, DN). */
package io.portcullis.identity;
