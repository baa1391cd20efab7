/** The {@code portcullis} command line (picocli): one subcommand class per verb. */
package io.portcullis.cli;
