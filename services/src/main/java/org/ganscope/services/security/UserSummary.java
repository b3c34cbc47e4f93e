package org.ganscope.services.security;

import java.time.Instant;

/** A user as the users page lists it: name, role and when it was added (never the password hash). */
public record UserSummary(String username, String role, Instant createdAt) {
}
