package org.ganscope.services.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ganscope.db.Secrets;
import org.ganscope.db.UserRepository;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Users and roles. Roles nest: an operator may do what a viewer may, an admin what an
 * operator may; a user is granted every role its own implies (ROLE_VIEWER, ROLE_OPERATOR,
 * ROLE_ADMIN), so checks name the least role an action needs. Passwords are stored as
 * bcrypt hashes only.
 */
public class UserService implements UserDetailsService {
    /** The least role for reading, for launching/cancelling/retrying, for bundles and users. */
    public static final String VIEWER = "VIEWER";
    public static final String OPERATOR = "OPERATOR";
    public static final String ADMIN = "ADMIN";
    /** The roles a user can have, least first: viewer, operator, admin. */
    public static final List<String> ROLES = UserRepository.ROLES;
    private final UserRepository users;
    private final PasswordEncoder encoder;

    public UserService(UserRepository users, PasswordEncoder encoder) {
        this.users = users;
        this.encoder = encoder;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        var u = users.find(username).orElseThrow(() -> new UsernameNotFoundException("no user " + username));
        return new User(u.username(), u.passwordHash(), authorities(u.role()));
    }

    static List<GrantedAuthority> authorities(String role) {
        List<GrantedAuthority> out = new ArrayList<>();
        int level = UserRepository.ROLES.indexOf(role);
        for (int i = 0; i <= level; i++) {
            out.add(new SimpleGrantedAuthority("ROLE_" + UserRepository.ROLES.get(i).toUpperCase(Locale.ROOT)));
        }
        return out;
    }

    /** Adds a user; refuses bad names, unknown roles, short passwords and taken names with the reason. */
    public void create(String username, String role, String password) {
        if (username == null || !username.matches("[A-Za-z0-9_.@-]{1,64}")) {
            throw new IllegalArgumentException("a user name is 1 to 64 letters, digits or _ . @ -");
        }
        if (!UserRepository.ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be one of " + UserRepository.ROLES);
        }
        if (password == null || password.length() < 10 || password.length() > 128) {
            throw new IllegalArgumentException("a password has 10 to 128 characters");
        }
        if (!users.create(username, encoder.encode(password), role)) {
            throw new IllegalArgumentException("user '" + username + "' exists");
        }
    }

    public void delete(String username, String actingUser) {
        if (username.equals(actingUser)) {
            throw new IllegalArgumentException("you cannot delete yourself");
        }
        users.delete(username);
    }

    /** Every user, by name. */
    public List<UserSummary> all() {
        return users.all().stream().map(u -> new UserSummary(u.username(), u.role(), u.createdAt())).toList();
    }

    /**
     * On a platform's first start (no users yet): creates {@code admin} with the given
     * password, or a generated one that is returned so the caller can show it once.
     * Returns null when users exist (nothing is changed).
     */
    public String bootstrapAdmin(String configuredPassword) {
        if (users.count() > 0) {
            return null;
        }
        String password = configuredPassword == null || configuredPassword.isBlank() ? Secrets.generate(20) : configuredPassword;
        if (password.length() < 10) {
            throw new IllegalArgumentException("GANSCOPE_ADMIN_PASSWORD must have at least 10 characters");
        }
        return users.create("admin", encoder.encode(password), "admin") ? password : null;
    }
}
