/** The Liberty adapter: a trust association interceptor over the plain-Java identity path. */
package io.portcullis.liberty.internal;
