/**
 * Delivery of committed events from PostgreSQL to NATS JetStream and on to subscribers.
 *
 * <p>{@link io.orisun.publisher.BoundaryPublishers} runs one {@code PublisherLoop} per boundary: it holds the
 * boundary's publisher lease (a PostgreSQL session advisory lock), publishes each batch with pipelined acks and
 * writes the checkpoint only after every ack of the batch. {@link io.orisun.publisher.CatchUpSubscriptions} serves
 * catch-up subscriptions that never lose, repeat or reorder an event: global ids are gap-free, so a subscriber
 * always knows the next id it needs, takes it from the shared live feed when the feed has it and reads the log
 * otherwise. {@link io.orisun.publisher.PubSub} is plain, unstored messaging.
 */
package io.orisun.publisher;
