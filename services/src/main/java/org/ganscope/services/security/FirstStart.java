package org.ganscope.services.security;

/**
 * What a platform node's first start did about the admin user: {@code generatedPassword} is
 * the password it generated for {@code admin} (shown once, in the start-up banner; only its
 * hash is stored), null when users existed or GANSCOPE_ADMIN_PASSWORD set it.
 */
public record FirstStart(boolean adminCreated, String generatedPassword) {
}
