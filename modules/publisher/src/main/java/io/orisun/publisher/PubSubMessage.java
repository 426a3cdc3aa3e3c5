package io.orisun.publisher;

import java.time.Instant;

/**
 * A plain pub/sub message as a subscriber receives it.
 *
 * @param subject     the subject it was published to, without the internal prefix
 * @param data        the published data
 * @param metadata    the published metadata
 * @param publishedAt when the publishing node sent it
 */
public record PubSubMessage(String subject, String data, String metadata, Instant publishedAt) {
}
