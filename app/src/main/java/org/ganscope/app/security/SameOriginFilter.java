package org.ganscope.app.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses cross-site state changes to the REST API. The API is stateless HTTP Basic, but
 * browsers cache Basic credentials and send them again on their own, so a form on another
 * site could POST {@code /api/experiments/1/cancel} with the user's login. A POST, PUT, PATCH
 * or DELETE that carries an {@code Origin} header (or, without one, a {@code Referer}) naming
 * another origin than the platform's own (the scheme, host and port the request was sent to)
 * or one of {@code ganscope.api.allowed-origins} is answered 403 with a JSON error naming the
 * origin. Requests without either header (curl, the command-line client, other programs) are
 * not browser form posts and pass; so do reads (GET, HEAD, OPTIONS).
 */
public class SameOriginFilter extends OncePerRequestFilter {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> allowed;

    /** @param allowedOrigins extra origins allowed to change state (comma-separated, e.g. a reverse proxy's https://host) */
    public SameOriginFilter(String allowedOrigins) {
        this.allowed = allowedOrigins == null ? Set.of()
                : Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(SameOriginFilter::origin)
                        .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws ServletException, IOException {
        if (SAFE.contains(req.getMethod().toUpperCase(Locale.ROOT))) {
            chain.doFilter(req, res);
            return;
        }
        String header = "Origin";
        String value = req.getHeader("Origin");
        if (value == null || value.isBlank()) {
            header = "Referer";
            value = req.getHeader("Referer");
        }
        if (value == null || value.isBlank()) {
            chain.doFilter(req, res); // not sent by a browser page: nothing a forged form could ride on
            return;
        }
        String own = origin(req.getScheme(), req.getServerName(), req.getServerPort());
        String theirs = origin(value.trim());
        if (theirs != null && (theirs.equals(own) || allowed.contains(theirs))) {
            chain.doFilter(req, res);
            return;
        }
        res.setStatus(HttpServletResponse.SC_FORBIDDEN);
        res.setContentType(MediaType.APPLICATION_JSON_VALUE);
        res.setCharacterEncoding("UTF-8");
        String shown = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        JSON.writeValue(res.getOutputStream(), Map.of("error", "cross-origin request refused: the " + header + " header '" + shown
                + "' is not this platform's origin " + own + "; a " + req.getMethod() + " to the API must come from the dashboard's own origin"
                + " or carry no Origin/Referer header (other origins: GANSCOPE_ALLOWED_ORIGINS)", "reason", "cross-origin"));
    }

    /** scheme://host[:port] of a URL, lower case, without the default port; null when it is not an http(s) URL (e.g. "null"). */
    static String origin(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            return origin(u.getScheme(), u.getHost(), u.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String origin(String scheme, String host, int port) {
        String s = scheme.toLowerCase(Locale.ROOT);
        int defaultPort = s.equals("https") ? 443 : s.equals("http") ? 80 : -1;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]"; // an IPv6 address as the servlet container reports it
        }
        return s + "://" + h + (port == -1 || port == defaultPort ? "" : ":" + port);
    }
}
