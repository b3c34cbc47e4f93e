package org.ganscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The first start without GANSCOPE_ADMIN_PASSWORD, on the real platform: the generated admin
 * password goes to a file in the data directory that only its owner can read, and nowhere on
 * standard output or in the log (container logs keep those); the banner names the file.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstStartPasswordTest {
    @Test
    void generatedAdminPasswordIsOnlyInAPrivateFile(@TempDir Path data, CapturedOutput out) throws Exception {
        System.setProperty("ganscope.home", Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize().toString());
        try (ConfigurableApplicationContext ctx = SpringApplication.run(GanscopeApplication.class, "--server.port=0",
                "--ganscope.data-dir=" + data, "--ganscope.admin-password=", "--ganscope.temporal.mode=test")) {
            Path file = data.toAbsolutePath().resolve("admin-password");
            assertTrue(Files.isRegularFile(file), "no " + file);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String password = Files.readString(file).trim();
            assertTrue(password.length() >= 20, "a generated password: " + password.length() + " characters");
            assertTrue(out.getAll().contains("ganscope is ready"), "the banner was captured");
            assertFalse(out.getAll().contains(password), "the password appeared on standard output or in the log");
            assertTrue(out.getAll().contains("sign in as admin with the password in  " + file), out.getOut());
            // and it is the admin's password
            String port = ctx.getEnvironment().getProperty("local.server.port");
            String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/bundles"))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
    }
}
