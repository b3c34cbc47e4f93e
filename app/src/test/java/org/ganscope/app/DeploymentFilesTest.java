package org.ganscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the scaled deployment is checked as files: the compose
 * file parses (anchors and merges included), has the services the deployment needs, runs
 * the image's entry point with the same launcher commands the tests exercise, publishes on
 * loopback only, and every ganscope setting it passes is one the platform reads and
 * docker/README.md documents.
 */
class DeploymentFilesTest {
    private static final Path REPO = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void composeFileHasTheDeploymentAndUsesTheLauncherCommands() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker/compose.yaml")));
        Map<String, Object> services = map(compose.get("services"));
        assertEquals(Set.of("postgres", "temporal", "temporal-ui", "api", "worker-cpu", "worker-gpu"), services.keySet());
        String launcher = Files.readString(REPO.resolve("ganscope"));
        for (String s : List.of("api", "worker-cpu", "worker-gpu")) {
            Map<String, Object> svc = map(services.get(s));
            String cmd = ((List<?>) svc.get("command")).get(0).toString();
            assertTrue(launcher.contains("\"${1:-}\" = \"" + cmd + "\""), s + " runs './ganscope " + cmd + "', which the launcher must handle");
            Map<String, Object> env = map(svc.get("environment"));
            assertEquals("temporal:7233", env.get("GANSCOPE_TEMPORAL"), s + " uses the Temporal cluster");
            assertTrue(env.get("GANSCOPE_DB_URL").toString().startsWith("jdbc:postgresql://postgres:5432/"), s);
            assertTrue(((List<?>) svc.get("volumes")).contains("artifacts:/data/artifacts"), s + " shares the artifact store");
            assertTrue(svc.containsKey("healthcheck"), s + " has a health check");
            // a stop drains the workers for up to 120 s (README); docker's default 10 s would SIGKILL them mid-step
            String grace = String.valueOf(svc.get("stop_grace_period"));
            assertTrue(grace.matches("\\d+s") && Integer.parseInt(grace.replace("s", "")) > 120, s + " stop_grace_period " + grace);
        }
        assertEquals(List.of("worker"), map(services.get("worker-gpu")).get("command"));
        assertEquals("gpu", map(map(map(services.get("worker-gpu")).get("build")).get("args")).get("MAVEN_PROFILES"));
        assertTrue(map(services.get("worker-gpu")).toString().contains("driver=nvidia"), "GPU workers reserve an NVIDIA device");
        for (var e : services.entrySet()) {
            Object ports = map(e.getValue()).get("ports");
            if (ports != null) {
                for (Object p : (List<?>) ports) {
                    assertTrue(p.toString().startsWith("127.0.0.1:"), e.getKey() + " publishes " + p + " beyond loopback");
                }
            }
        }
    }

    @Test
    void everyGanscopeSettingInComposeIsReadByThePlatformAndDocumented() throws Exception {
        String compose = Files.readString(REPO.resolve("docker/compose.yaml"));
        String readme = Files.readString(REPO.resolve("docker/README.md"));
        StringBuilder readers = new StringBuilder(Files.readString(REPO.resolve("ganscope")));
        for (String f : List.of("app/src/main/resources/application.properties", "app/src/main/resources/application-worker.properties",
                "analysis/src/main/java/org/ganscope/analysis/ort/OrtRuntime.java")) {
            readers.append(Files.readString(REPO.resolve(f)));
        }
        Matcher m = Pattern.compile("\\b(GANSCOPE_[A-Z_]+)\\b").matcher(compose);
        int n = 0;
        while (m.find()) {
            String v = m.group(1);
            assertTrue(readers.indexOf(v) >= 0, v + " is set in compose.yaml but nothing reads it");
            assertTrue(readme.contains(v), v + " is not documented in docker/README.md");
            n++;
        }
        assertTrue(n >= 8, "found " + n + " settings");
    }

    @Test
    void imageRunsTheLauncherFromARuntimeStageWithoutBuildTools() throws Exception {
        String docker = Files.readString(REPO.resolve("docker/Dockerfile"));
        String runtime = docker.substring(docker.lastIndexOf("\nFROM "));
        assertTrue(runtime.contains("ENTRYPOINT [\"/opt/ganscope/ganscope\"]"), "the entry point is the launcher");
        assertTrue(runtime.contains("app/target/ganscope-app-exec.jar"), "the jar sits where the launcher looks for it");
        assertTrue(runtime.contains("-jre"), "the runtime stage is a JRE");
        assertTrue(!runtime.contains("mvn ") && !runtime.contains("COPY . ."), "no build tools or sources in the runtime image");
        assertTrue(Files.readString(REPO.resolve("ganscope")).contains("app_jar=\"$here/app/target/ganscope-app-exec.jar\""));
        assertTrue(Files.readString(REPO.resolve("analysis/pom.xml")).contains("<id>gpu</id>"), "the gpu Maven profile exists");
    }
}
