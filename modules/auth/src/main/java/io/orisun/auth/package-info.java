/**
 * Users, roles and authentication: {@link io.orisun.auth.UserDirectory} manages users and hands out the
 * {@link io.orisun.auth.Authenticator} that checks each call's {@link io.orisun.auth.Credentials}.
 */
package io.orisun.auth;
