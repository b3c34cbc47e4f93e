package org.ganscope.app.bundle;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.ganscope.services.bundle.BundleService;
import org.ganscope.services.bundle.BundleUpload;

/** Bundles: list (viewer), upload a zipped bundle (admin; verified as the loader does, size-capped). */
@RestController
@RequestMapping("/api/bundles")
public class BundleController {
    private final BundleService service;
    private final BundleUpload upload;

    public BundleController(BundleService service, BundleUpload upload) {
        this.service = service;
        this.upload = upload;
    }

    @GetMapping
    public List<Map<String, Object>> list() {
        return service.all().stream().map(b -> Map.<String, Object>of("id", b.id(), "hash", b.hash(), "name", b.name(),
                "dataset", b.dataset(), "variant", b.variant())).toList();
    }

    @PostMapping(consumes = "multipart/form-data")
    public ResponseEntity<Map<String, Object>> upload(@RequestParam("file") MultipartFile file) throws IOException {
        var b = upload.upload(file.getInputStream(), file.getSize());
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", b.id(), "name", b.name(), "hash", b.hash()));
    }

    @ExceptionHandler(BundleUpload.TooLarge.class)
    public ResponseEntity<Map<String, String>> tooLarge(BundleUpload.TooLarge e) {
        return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, String>> refused(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
}
