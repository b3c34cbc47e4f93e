package org.ganscope.services.security;

import java.nio.file.Path;

/**
 * What a platform node's first start did about the admin user: {@code passwordFile} is the
 * file (mode 0600, in the data directory) holding the password it generated for {@code admin}
 * (only its hash is stored in the database; the password itself is never printed or logged),
 * null when users existed or GANSCOPE_ADMIN_PASSWORD set it.
 */
public record FirstStart(boolean adminCreated, Path passwordFile) {
}
