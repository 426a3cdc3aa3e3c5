/**
 * The admin HTTP port beside the gRPC listener: the dashboard, profiling endpoints, and the routes that serve them.
 */
package io.orisun.server.web;
