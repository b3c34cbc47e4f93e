package org.ganscope.activities.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed result keys: key = SHA-256 of (bundle hash, step, canonical
 * parameters, upstream keys), each part length-prefixed so no two inputs collide by
 * concatenation. Same inputs, same key: a re-run reuses the stored result.
 */
public final class ResultKeys {
    private ResultKeys() {
    }

    public static String of(String bundleHash, String step, String canonicalParams, String... upstream) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        part(md, "ganscope-result/1");
        part(md, bundleHash);
        part(md, step);
        part(md, canonicalParams);
        for (String u : upstream) {
            part(md, u);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void part(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update((b.length + ":").getBytes(StandardCharsets.UTF_8));
        md.update(b);
    }
}
