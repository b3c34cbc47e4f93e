package org.ganscope.app.config;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import org.ganscope.db.BundleRepository;
import org.ganscope.db.Database;
import org.ganscope.db.EmbeddedDatabase;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.ganscope.db.ShardRunRepository;
import org.ganscope.db.UserRepository;

/** PostgreSQL: external if ganscope.db.url is set, else embedded with its data under the data directory. */
@Configuration
public class DatabaseConfig {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseConfig.class);

    /** The embedded server, or a no-op holder when an external database is configured. */
    public record EmbeddedHolder(EmbeddedDatabase db) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (db != null) {
                db.close();
            }
        }
    }

    @Bean(destroyMethod = "close")
    public EmbeddedHolder embeddedDatabase(@Value("${ganscope.db.url}") String url, @Value("${ganscope.data-dir}") String dataDir,
            @Value("${ganscope.db.embedded-port}") int port) throws IOException {
        if (!url.isBlank()) {
            return new EmbeddedHolder(null);
        }
        Path dir = Path.of(dataDir, "pgdata");
        LOG.info("starting embedded PostgreSQL, data in {}", dir);
        return new EmbeddedHolder(EmbeddedDatabase.start(dir, port));
    }

    @Bean(destroyMethod = "close")
    public HikariDataSource dataSource(EmbeddedHolder embedded, @Value("${ganscope.db.url}") String url,
            @Value("${ganscope.db.user}") String user, @Value("${ganscope.db.password}") String password) throws Exception {
        String jdbc = url;
        if (embedded.db() != null) {
            jdbc = embedded.db().jdbcUrl("ganscope");
            // the application's queries run as a role that owns its database but is no superuser
            EmbeddedDatabase.Role role = embedded.db().ensureOwnedDatabase("ganscope", "ganscope");
            user = role.name();
            password = role.password();
        }
        HikariDataSource ds = Database.connect(jdbc, user, password == null || password.isEmpty() ? null : password, 8);
        int applied = Database.migrate(ds);
        LOG.info("database ready ({} migrations applied)", applied);
        return ds;
    }

    @Bean
    public BundleRepository bundleRepository(HikariDataSource ds) {
        return new BundleRepository(ds);
    }

    @Bean
    public ExperimentRepository experimentRepository(HikariDataSource ds) {
        return new ExperimentRepository(ds);
    }

    @Bean
    public StepRepository stepRepository(HikariDataSource ds) {
        return new StepRepository(ds);
    }

    @Bean
    public ShardRunRepository shardRunRepository(HikariDataSource ds) {
        return new ShardRunRepository(ds);
    }

    @Bean
    public UserRepository userRepository(HikariDataSource ds) {
        return new UserRepository(ds);
    }

    @Bean
    public ResultRepository resultRepository(HikariDataSource ds) {
        return new ResultRepository(ds);
    }
}
