package org.ganscope.activities.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Result keys carry the engine version: a result stored by another engine is never reused. */
class ResultKeysTest {
    private static final String BUNDLE = "b".repeat(64);

    @Test
    void theEngineVersionIsPartOfTheKey() {
        String now = ResultKeys.of(BUNDLE, "metrics", "layer=layer3;n=100;seed=1");
        assertEquals(now, ResultKeys.of(ResultKeys.ENGINE_VERSION, BUNDLE, "metrics", "layer=layer3;n=100;seed=1"));
        assertNotEquals(ResultKeys.of(ResultKeys.ENGINE_VERSION + 1, BUNDLE, "metrics", "layer=layer3;n=100;seed=1"), now,
                "the next engine computes its own results");
        // the key the engine before versioned keys gave these inputs: results stored under it are not reused
        assertNotEquals(unversioned(BUNDLE, "metrics", "layer=layer3;n=100;seed=1"), now);
        assertEquals(unversioned(BUNDLE, "metrics", "layer=layer3;n=100;seed=1"), ResultKeys.of(1, BUNDLE, "metrics", "layer=layer3;n=100;seed=1"),
                "engine 1 is the key rule as it was");
    }

    /** The key rule before the engine version, written out. */
    private static String unversioned(String... parts) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {"ganscope-result/1", parts[0], parts[1], parts[2]}) {
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                md.update((b.length + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(b);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
