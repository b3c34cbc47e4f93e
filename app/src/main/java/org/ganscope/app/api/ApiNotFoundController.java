package org.ganscope.app.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every {@code /api} path no controller serves: 404 with a JSON error naming the method and
 * path. Without it the request fell through to the dashboard, which answered a program's call
 * with an HTML page. The most general pattern, so every real endpoint is matched first.
 */
@Hidden // not an endpoint of the API description
@RestController
public class ApiNotFoundController {
    @RequestMapping({"/api", "/api/**"})
    public ResponseEntity<Map<String, String>> notFound(HttpServletRequest request) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON).body(Map.of("error",
                "no API endpoint " + request.getMethod() + " " + request.getRequestURI() + " (the API is described at /v3/api-docs)"));
    }
}
