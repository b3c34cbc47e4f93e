package org.ganscope.app.security;

import com.vaadin.flow.spring.security.VaadinAwareSecurityContextHolderStrategyConfiguration;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.ganscope.ui.login.LoginView;
import org.ganscope.db.UserRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.ganscope.db.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.ganscope.services.security.FirstStart;
import org.ganscope.services.security.UserService;

/**
 * Login for everything a platform node serves. The REST API: HTTP Basic, stateless (no
 * session cookie, hence no CSRF token), but since browsers resend cached Basic credentials a
 * state-changing request from another origin is refused ({@link SameOriginFilter}); GET needs viewer, POST to experiments
 * operator, anything else admin; the OpenAPI description needs viewer. The dashboard: a
 * login form with Vaadin's session-based security (CSRF protection on), views annotated
 * with the least role they need. On the first start an {@code admin} user is created with
 * {@code GANSCOPE_ADMIN_PASSWORD} or a generated password written to a 0600 file in the data
 * directory (the start-up banner names the file, never the password).
 * Workers run no web server and none of this.
 */
@Configuration
@EnableWebSecurity
@ConditionalOnWebApplication
@Import(VaadinAwareSecurityContextHolderStrategyConfiguration.class)
public class SecurityConfig {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfig.class);

    @Bean
    public PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    public UserService userService(UserRepository users, PasswordEncoder encoder) {
        return new UserService(users, encoder);
    }

    /**
     * Creates {@code admin} on the first start. A generated password is written to
     * {@code <data-dir>/admin-password}, readable by the platform's user only (0600), and the
     * start-up banner ({@code ReadyLog}) names that file: the password never goes to standard
     * output, where container logs and terminal recordings would keep it.
     */
    @Bean
    public FirstStart firstStart(UserService users, @Value("${ganscope.admin-password:}") String adminPassword,
            @Value("${ganscope.data-dir}") String dataDir) throws IOException {
        if (!adminPassword.isBlank()) {
            boolean created = users.bootstrapAdmin(adminPassword) != null;
            if (created) {
                LOG.info("first start: created user 'admin' with the password from GANSCOPE_ADMIN_PASSWORD");
            }
            return new FirstStart(created, null);
        }
        // the private file is written before the user is created: a data directory that cannot hold it must not
        // leave an admin whose password nobody knows; it is moved into place only if admin was created
        Path file = Path.of(dataDir).toAbsolutePath().resolve(ADMIN_PASSWORD_FILE);
        String generated = Secrets.generate(24);
        Path tmp = writePrivateTemp(file.getParent(), generated + "\n");
        try {
            if (users.bootstrapAdmin(generated) == null) {
                return new FirstStart(false, null); // users exist: nothing created, an earlier file is left as it is
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.info("first start: created user 'admin'; its generated password is in {} (mode 0600)", file);
        return new FirstStart(true, file);
    }

    /** The file in the data directory that holds a generated first-start admin password. */
    public static final String ADMIN_PASSWORD_FILE = "admin-password";

    /** A new file in dir, created with mode 0600 before anything is written to it, holding text. */
    static Path writePrivateTemp(Path dir, String text) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".admin-password", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        return tmp;
    }

    @Bean
    @Order(1)
    public SecurityFilterChain apiSecurity(HttpSecurity http, @Value("${ganscope.api.allowed-origins:}") String allowedOrigins) throws Exception {
        http.securityMatcher("/api/**", "/v3/api-docs/**", "/swagger-ui/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/api/**", "/v3/api-docs/**", "/swagger-ui/**").hasRole(UserService.VIEWER)
                        .requestMatchers(HttpMethod.POST, "/api/experiments", "/api/experiments/*/cancel", "/api/experiments/*/retry")
                        .hasRole(UserService.OPERATOR)
                        .anyRequest().hasRole(UserService.ADMIN))
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // no CSRF token (stateless Basic), but browsers replay cached Basic credentials on their own:
                // a state change sent from another site's page is refused by its Origin/Referer instead
                .csrf(c -> c.disable())
                .addFilterBefore(new SameOriginFilter(allowedOrigins), BasicAuthenticationFilter.class);
        return http.build();
    }

    @Bean
    @Order(2)
    public SecurityFilterChain dashboardSecurity(HttpSecurity http) throws Exception {
        // /error: the error page of a refused API call must not itself be redirected to the sign-in page
        http.authorizeHttpRequests(a -> a.requestMatchers("/webjars/**", "/error").permitAll());
        return http.with(VaadinSecurityConfigurer.vaadin(), c -> c.loginView(LoginView.class)).build();
    }
}
