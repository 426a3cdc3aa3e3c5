/**
 * Reading the node's {@code ORISUN_*} environment into typed, validated settings records, once at start-up: the
 * settings table that documents every variable, Go-style durations, name suggestions for misspelt variables, and the
 * secrets a single node generates for itself.
 */
package io.orisun.server.config;
