/**
 * Payload indexes: {@link io.orisun.index.IndexDefinition} and its parts describe an index and validate it,
 * {@link io.orisun.index.IndexAdmin} builds, lists and drops indexes, and {@link io.orisun.index.IndexAdvisor}
 * counts the criteria that no index serves. Keys and values reach DDL only as escaped literals; DDL cannot take
 * bind parameters.
 */
package io.orisun.index;
