package org.ganscope.activities.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed result keys: key = SHA-256 of (engine version, bundle hash, step,
 * canonical parameters, upstream keys), each part length-prefixed so no two inputs collide
 * by concatenation. Same inputs on the same engine, same key: a re-run reuses the stored result.
 */
public final class ResultKeys {
    /** Bump when the engine computes any stored result differently (numbers, layout, fields): every result is then computed anew. */
    public static final int ENGINE_VERSION = 2;

    private ResultKeys() {
    }

    public static String of(String bundleHash, String step, String canonicalParams, String... upstream) {
        return of(ENGINE_VERSION, bundleHash, step, canonicalParams, upstream);
    }

    /** The key the engine of {@code engineVersion} gives these inputs (1: the engine before versions were keyed). */
    static String of(int engineVersion, String bundleHash, String step, String canonicalParams, String... upstream) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        part(md, "ganscope-result/1");
        if (engineVersion > 1) {
            part(md, "engine=" + engineVersion);
        }
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
