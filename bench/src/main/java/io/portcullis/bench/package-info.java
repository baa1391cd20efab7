/** JMH benchmarks of the hot paths; run {@code java -jar bench/target/benchmarks.jar}. */
package io.portcullis.bench;
