/**
 * The client API. {@link io.orisun.client.OrisunClient} is the entry point; every other public type is a value
 * or a callback it takes or returns. Wire types never appear in this package's signatures.
 */
package io.orisun.client;
