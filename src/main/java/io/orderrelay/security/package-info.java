/**
 * Who may call order-relay, and secrets at rest.
 *
 * <ul>
 * <li>{@link io.orderrelay.security.ApiKeyAuthenticationMechanism} reads {@code Authorization: Bearer <key>} on
 * {@code /v1} paths; {@link io.orderrelay.security.ApiKeyIdentityProvider} turns a valid key into a
 * SecurityIdentity whose roles are the key's {@link io.orderrelay.security.Scopes} and whose attributes carry the
 * key id and the bound partner. A path permission (application.properties) makes every {@code /v1} path require
 * an identity, so authentication is decided before routing or body parsing: a request without a valid key gets 401
 * whatever else is wrong with it. Resources declare scopes with {@code @RolesAllowed}; 401/403 answer
 * application/problem+json.</li>
 * <li>Keys are random ({@code ork_} + base64url of 32 bytes) and stored as SHA-256 only (see {@link
 * io.orderrelay.security.ApiKeyMaterial} for why a fast hash is right here). Stored keys are cached for
 * {@code quarkus.cache.caffeine."api-keys".expire-after-write} (30 s): a revoke takes effect at once on the
 * replica that served it and within that TTL on the others. Only existing keys are cached.</li>
 * <li>{@link io.orderrelay.security.AuthFailureThrottle}: failed authentications per client address; an address
 * out of allowance gets 429 before its key is looked at.</li>
 * <li>{@link io.orderrelay.security.StartupSecretsValidator}: a prod start refuses weak or placeholder keys.</li>
 * <li>{@link io.orderrelay.security.Caller} is what business code asks: key id for audit logs, bound partner,
 * scopes.</li>
 * <li>{@link io.orderrelay.security.RateLimitFilter}: a token bucket per key and per replica, 429 with
 * Retry-After.</li>
 * <li>{@link io.orderrelay.security.SecretBox}: AES-256-GCM for secrets at rest, with key ids for rotation.</li>
 * <li>{@link io.orderrelay.security.SecretReseal}: after a rotation, moves sealed values to the current key.</li>
 * </ul>
 * Nothing here logs a key, a hash of one, or the Authorization header.
 */
package io.orderrelay.security;
