package org.ganscope.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.services.security.FirstStart;
import org.junit.jupiter.api.Test;

class ReadyLogTest {
    @Test
    void firstStartBannerShowsAddressUserAndThePasswordFileOnly() {
        String b = ReadyLog.banner("http://127.0.0.1:8080", "temporal-dev", "http://127.0.0.1:8233", new FirstStart(true, java.nio.file.Path.of("/data/admin-password")));
        assertTrue(b.contains("ganscope is ready:  http://127.0.0.1:8080"), b);
        assertTrue(b.contains("sign in as admin with the password in  /data/admin-password"), b);
        assertTrue(b.contains("Temporal: temporal-dev, web UI http://127.0.0.1:8233"), b);
        assertTrue(b.lines().count() <= 7, "short: " + b);
        String later = ReadyLog.banner("http://127.0.0.1:8080", "test-server", null, new FirstStart(false, null));
        assertFalse(later.contains("password  "), later);
        assertTrue(later.contains("install the Temporal CLI"), later);
        String configured = ReadyLog.banner("http://x:1", "external", null, new FirstStart(true, null));
        assertTrue(configured.contains("GANSCOPE_ADMIN_PASSWORD"), configured);
        assertEquals(ReadyLog.banner("u", "external", null, null), ReadyLog.banner("u", "external", null, new FirstStart(false, null)));
    }
}
