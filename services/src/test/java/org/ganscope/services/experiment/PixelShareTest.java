package org.ganscope.services.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored pixel shares read back: grouped by class, main first, the least-drawn class (lowest generated/real) first. */
class PixelShareTest {
    @Test
    void sharesAreReadByClassLeastDrawnFirst() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("domain_fd", 1.0);
        m.put("pixel_share:main:tree|generated", 0.30);
        m.put("pixel_share:main:tree|generated_ci_lo", 0.25);
        m.put("pixel_share:main:tree|generated_ci_hi", 0.35);
        m.put("pixel_share:main:tree|real", 0.20);
        m.put("pixel_share:main:door|generated", 0.001);
        m.put("pixel_share:main:door|real", 0.01);
        m.put("pixel_share:main:door|real_ci_lo", 0.008);
        m.put("pixel_share:main:door|real_ci_hi", 0.012);
        m.put("pixel_share:color:red|generated", 0.1);
        m.put("pixel_share:color:red|real", 0.1);
        m.put("pixel_share:main:lamp|generated", 0.0);
        m.put("pixel_share:main:lamp|real", 0.0);
        List<PixelShare> s = PixelShare.of(m);
        assertEquals(List.of("main:door", "main:tree", "color:red"), s.stream().map(p -> p.group() + ":" + p.className()).toList(),
                "lamp, drawn by neither, is left out");
        assertEquals(0.1, s.get(0).ratio(), 1e-12);
        assertEquals(0.25, s.get(1).generatedLow());
        assertNull(s.get(1).realLow(), "no real interval stored: none shown");
        assertEquals(0.012, s.get(0).realHigh());
    }
}
