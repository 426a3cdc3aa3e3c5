/**
 * The admin HTTP port beside the gRPC listener: health, the metrics endpoint, the dashboard, the profiling
 * endpoints and the redirect of {@code /}. It reads the same application services as the gRPC endpoints and knows
 * nothing of the gRPC contract.
 */
package io.orisun.server.web;
