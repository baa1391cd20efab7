package io.portcullis.ca;

import java.util.Optional;

/**
 * What checking the CA's audit log found.
 *
 * @param entries how many entries the log holds
 * @param unchained how many of them came before the chain (written by a version that kept none),
 *     which nothing can vouch for
 * @param head the head to copy elsewhere: the number of entries and the SHA-256 of the last
 * @param witness the file outside the state directory that every append brings up to date, if one
 *     is named
 * @param fault the first entry that does not hold, or what else is wrong; empty when intact
 */
public record AuditCheck(
    long entries, long unchained, String head, Optional<String> witness, Optional<String> fault) {
  /** Whether every link and the head hold. */
  public boolean intact() {
    return fault.isEmpty();
  }
}
