package org.ganscope.db;

import java.security.SecureRandom;

/** Generated secrets (database and admin passwords): letters and digits without look-alikes (0/O, 1/l/I). */
public final class Secrets {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private Secrets() {
    }

    /** A random string of {@code length} characters from a {@link SecureRandom}. */
    public static String generate(int length) {
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
