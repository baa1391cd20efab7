/**
 * The key sources of {@code <usr_portcullis>} offered to Liberty's own SSL configuration: a JCA
 * provider ({@code Portcullis}) with a read-only {@code KeyStore} type ({@code
 * PortcullisKeySource}) whose aliases are the configured key source names.
 */
package io.portcullis.liberty.keys;
