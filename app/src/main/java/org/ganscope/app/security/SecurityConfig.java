package org.ganscope.app.security;

import com.vaadin.flow.spring.security.VaadinAwareSecurityContextHolderStrategyConfiguration;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.ganscope.ui.login.LoginView;
import org.ganscope.db.UserRepository;
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
 * {@code GANSCOPE_ADMIN_PASSWORD} or a generated password shown once in the start-up banner.
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

    /** Creates {@code admin} on the first start; a generated password goes to the start-up banner ({@code ReadyLog}). */
    @Bean
    public FirstStart firstStart(UserService users, @Value("${ganscope.admin-password:}") String adminPassword) {
        String created = users.bootstrapAdmin(adminPassword);
        if (created != null && !adminPassword.isBlank()) {
            LOG.info("first start: created user 'admin' with the password from GANSCOPE_ADMIN_PASSWORD");
        }
        return new FirstStart(created != null, created != null && adminPassword.isBlank() ? created : null);
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
