package org.ganscope.app.bundle;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/bundles")
public class BundleController {
    private final BundleService service;

    public BundleController(BundleService service) {
        this.service = service;
    }

    @GetMapping
    public List<Map<String, Object>> list() {
        return service.all().stream().map(b -> Map.<String, Object>of("id", b.id(), "hash", b.hash(), "name", b.name(),
                "dataset", b.dataset(), "variant", b.variant())).toList();
    }
}
