/** Root of the Portcullis core: the checked exception type shared by every module. */
package io.portcullis;
