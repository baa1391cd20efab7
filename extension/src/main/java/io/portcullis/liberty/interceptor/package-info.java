/**
 * The Liberty adapter: the trust association interceptor that makes each request's verified client
 * certificate its caller, over the plain-Java identity path.
 */
package io.portcullis.liberty.interceptor;
