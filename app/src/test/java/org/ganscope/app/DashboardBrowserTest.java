package org.ganscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ganscope.app.experiment.ExperimentService;
import org.ganscope.app.experiment.LaunchRequest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The dashboard in a real browser (Debian's Chromium, headless): experiments grid, live detail page, a refused launch. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserTest {
    private static final String FIRST_CELL = """
            const grid = document.getElementById(arguments[0]);
            if (!grid || !grid.shadowRoot) return null;
            const row = [...grid.shadowRoot.querySelectorAll('#items tr')].find(r => r.index === 0);
            const cells = row ? [...row.querySelectorAll('td slot')].map(s => s.assignedElements()[0]) : [];
            return cells.length > arguments[1] && cells[arguments[1]] ? cells[arguments[1]].textContent.trim() : null;
            """;

    @LocalServerPort
    int port;

    @Autowired
    ExperimentService experiments;

    @Autowired
    org.ganscope.app.security.UserService users;

    @Autowired
    org.ganscope.db.ExperimentRepository experimentRows;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        Path data = Files.createTempDirectory("ganscope-ui");
        r.add("ganscope.data-dir", data::toString);
        r.add("ganscope.admin-password", () -> "browser-test-password");
        System.setProperty("ganscope.home", Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize().toString());
    }

    /** Through the sign-in page, as a person would: type the name and password, press the button. */
    void signIn(ChromeDriver driver, WebDriverWait wait, String user, String password) {
        driver.get("http://127.0.0.1:" + port + "/login");
        wait.until(d -> !d.findElements(By.cssSelector("vaadin-text-field[name='username'] > input")).isEmpty());
        driver.findElement(By.cssSelector("vaadin-text-field[name='username'] > input")).sendKeys(user);
        driver.findElement(By.cssSelector("vaadin-password-field[name='password'] > input")).sendKeys(password);
        driver.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
        wait.until(d -> !d.findElements(By.id("signed-in-user")).isEmpty() && user.equals(d.findElement(By.id("signed-in-user")).getText()));
    }

    /** Screenshots go to target/screenshots for a person to look at. */
    static void saveScreenshot(ChromeDriver driver, String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name), driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void browseExperimentsWatchOneFinishAndSeeARefusedLaunch() throws InterruptedException {
        long other = experiments.launch(new LaunchRequest("second variant", "outdoor-mbstd", List.of("layer2"), 40, 1L, 20, null, null, null, 2,
                List.of("ui"), List.of("dissect")), "test");
        long id = experiments.launch(new LaunchRequest("browser <b>test</b>", "outdoor-base", List.of("layer2"), 40, 1L, 20, null, null, null, 2,
                List.of("ui"), List.of("dissect", "metrics", "explain", "intervene", "optimize", "artifacts"), List.of("tree")), "test");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900");
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        ChromeDriver driver = new ChromeDriver(svc, o);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            JavascriptExecutor js = driver;
            signIn(driver, wait, "admin", "browser-test-password");
            driver.get("http://127.0.0.1:" + port + "/");
            wait.until(d -> js.executeScript(FIRST_CELL, "experiments", 1) != null);
            assertEquals("browser <b>test</b>", js.executeScript(FIRST_CELL, "experiments", 1), "names are shown as text, not HTML");
            saveScreenshot(driver, "experiments.png");

            driver.get("http://127.0.0.1:" + port + "/experiments/" + id);
            // live: polled while the workflow runs all six steps (a minute on 2 idle cores; more when the machine is busy)
            new WebDriverWait(driver, Duration.ofSeconds(300)).until(d -> "SUCCEEDED".equals(d.findElement(By.id("status")).getText()));
            wait.until(d -> js.executeScript(FIRST_CELL, "units", 0) != null);
            assertEquals("0", js.executeScript(FIRST_CELL, "units", 0));
            wait.until(d -> "true".equals(d.findElement(By.id("category-chart")).getAttribute("data-rendered")));
            // select unit 0: its card shows the top images rendered on demand
            js.executeScript("const g = document.getElementById('units'); g.activeItem = g._dataProviderController.rootCache.items[0];");
            Long width = wait.until(d -> (Long) js.executeScript(
                    "const i = document.getElementById('unit-image'); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : null;"));
            assertEquals(8L * 64 * 2, width, "the 8 top images of 64 px at scale 2");

            // the intervene step: the ablation curve of 'tree' and the insertion table
            wait.until(d -> "true".equals(d.findElement(By.id("ablation-chart-0")).getAttribute("data-rendered")));
            wait.until(d -> js.executeScript(FIRST_CELL, "insertion", 0) != null);
            assertEquals("tree", js.executeScript(FIRST_CELL, "insertion", 0));
            js.executeScript("document.getElementById('ablation-chart-0').scrollIntoView()");
            saveScreenshot(driver, "experiment-interventions.png");

            // the optimize step's curve and alpha, the artifacts step's gallery and table
            wait.until(d -> "true".equals(d.findElement(By.id("alpha-curve-0")).getAttribute("data-rendered")));
            wait.until(d -> "true".equals(d.findElement(By.id("alpha-final-0")).getAttribute("data-rendered")));
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('artifact-gallery'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertEquals(8L * 64, js.executeScript("return document.getElementById('artifact-gallery').naturalWidth;"), "8 samples before/after");
            assertTrue(driver.findElement(By.id("metrics-panel")).getText().contains("domain FD"));
            js.executeScript("document.getElementById('alpha-curve-0').scrollIntoView()");
            saveScreenshot(driver, "experiment-alpha-artifacts.png");

            // the explain step's formulas, and a unit's example images with the formula's mask
            wait.until(d -> js.executeScript(FIRST_CELL, "explanations", 1) != null);
            assertTrue(!((String) js.executeScript(FIRST_CELL, "explanations", 1)).isBlank(), "a formula is shown");
            js.executeScript("const g = document.getElementById('explanations'); g.activeItem = g._dataProviderController.rootCache.items[0];");
            Long examples = wait.until(d -> (Long) js.executeScript(
                    "const i = document.getElementById('explanation-image'); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : null;"));
            assertTrue(examples > 0 && examples % (64 * 2) == 0 && examples <= 6 * 64 * 2, "1 to 6 example images of 64 px: " + examples);
            js.executeScript("document.getElementById('explanation-card').scrollIntoView()");
            saveScreenshot(driver, "experiment-explanations.png");

            assertTrue(driver.findElement(By.id("download-units-csv")).getAttribute("href").contains("units.csv"));

            // compare the two runs: variant table, per-class bars, parameter diff, best unit per class side by side
            new WebDriverWait(driver, Duration.ofSeconds(300)).until(d -> experimentRows.get(other).orElseThrow().status().equals("SUCCEEDED"));
            driver.get("http://127.0.0.1:" + port + "/compare?ids=" + id + "," + other);
            wait.until(d -> js.executeScript(FIRST_CELL, "compare-table", 0) != null);
            wait.until(d -> "true".equals(d.findElement(By.id("class-chart")).getAttribute("data-rendered")));
            Long loaded = wait.until(d -> {
                Long n = (Long) js.executeScript("return [...document.querySelectorAll('img.best-unit')].filter(i => i.complete && i.naturalWidth > 0).length;");
                return n != null && n >= 2 ? n : null;
            });
            assertTrue(loaded >= 2, "best-unit images of both runs");
            assertTrue(driver.getPageSource().contains("bundlePath") || driver.getPageSource().contains("bundleHash"), "the parameter diff lists parameters");
            saveScreenshot(driver, "compare.png");

            // playground: paint the lower half of sample 3, remove the tree units there, see before and after
            driver.get("http://127.0.0.1:" + port + "/playground?bundle=outdoor-base&layer=layer2&class=tree&sample=3");
            wait.until(d -> (Boolean) js.executeScript("const p = document.getElementById('paint'); return !!(p && p.paintCells);"));
            js.executeScript("document.getElementById('paint').paintCells('0'.repeat(32) + '1'.repeat(32));");
            Thread.sleep(300); // the painted cells travel to the server
            driver.findElement(By.id("pg-apply")).click();
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('pg-result'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertEquals(2L * 64 * 4 + 16, js.executeScript("return document.getElementById('pg-result').naturalWidth;"), "before | after at 4x");
            String outcome = driver.findElement(By.id("pg-outcome")).getText();
            assertTrue(outcome.contains("remove 20 'tree' units") && outcome.contains(" ms"), outcome);
            saveScreenshot(driver, "playground.png");

            // models: a bundle's card with its sample grid; the admin sees the upload
            driver.get("http://127.0.0.1:" + port + "/models");
            wait.until(d -> js.executeScript(FIRST_CELL, "bundles", 0) != null);
            assertTrue(!driver.findElements(By.id("bundle-upload")).isEmpty(), "admins can upload bundles");
            js.executeScript("const g = document.getElementById('bundles'); g.activeItem = g._dataProviderController.rootCache.items[0];");
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('model-samples'); return !!(i && i.complete && i.naturalWidth > 0);"));
            saveScreenshot(driver, "models.png");

            // launch from the form, as a researcher does: it opens the new experiment, which runs to the end live
            driver.get("http://127.0.0.1:" + port + "/launch");
            wait.until(d -> d.findElements(By.id("launch")).size() == 1);
            driver.findElement(By.cssSelector("vaadin-text-field#name > input")).sendKeys("from the form");
            var bundleInput = driver.findElement(By.cssSelector("vaadin-combo-box#bundle > input"));
            bundleInput.click();
            bundleInput.sendKeys("outdoor-base (");
            wait.until(d -> (Boolean) js.executeScript("return document.getElementById('bundle').filteredItems?.length === 1;"));
            bundleInput.sendKeys(org.openqa.selenium.Keys.ARROW_DOWN, org.openqa.selenium.Keys.ENTER);
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('#layers vaadin-checkbox')].some(c => c.checked);"));
            var samplesInput = driver.findElement(By.cssSelector("vaadin-integer-field#samples > input"));
            samplesInput.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "40");
            driver.findElement(By.id("launch")).click();
            wait.until(d -> d.getCurrentUrl().matches(".*/experiments/\\d+$"));
            new WebDriverWait(driver, Duration.ofSeconds(300)).until(d -> "SUCCEEDED".equals(d.findElement(By.id("status")).getText()));
            long fromForm = Long.parseLong(driver.getCurrentUrl().replaceAll(".*/", ""));
            var launched = experimentRows.get(fromForm).orElseThrow();
            assertEquals("from the form", launched.name());
            assertTrue(launched.paramsJson().contains("\"samples\": 40") || launched.paramsJson().contains("\"samples\":40"), launched.paramsJson());

            driver.get("http://127.0.0.1:" + port + "/launch");
            wait.until(d -> d.findElements(By.id("launch")).size() == 1);
            driver.findElement(By.id("launch")).click();
            String message = wait.until(d -> (String) js.executeScript(
                    "const c = document.querySelector('vaadin-notification-card'); return c ? c.innerText : null;"));
            assertTrue(message.contains("bundle is required"), message);

            // a viewer browses but is refused the launch page and sees no cancel/retry
            users.create("viewer1", "viewer", "viewer-password");
            driver.findElement(By.id("logout")).click();
            wait.until(d -> d.getCurrentUrl().contains("/login"));
            signIn(driver, wait, "viewer1", "viewer-password");
            driver.get("http://127.0.0.1:" + port + "/experiments/" + id);
            wait.until(d -> "SUCCEEDED".equals(d.findElement(By.id("status")).getText()));
            assertTrue(driver.findElements(By.xpath("//vaadin-button[text()='Cancel']")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed));
            driver.get("http://127.0.0.1:" + port + "/launch");
            wait.until(d -> d.getPageSource().contains("Could not navigate") || d.getCurrentUrl().contains("/login")
                    || !d.findElements(By.id("launch")).isEmpty());
            assertTrue(driver.findElements(By.id("launch")).isEmpty(), "a viewer must not get the launch form");
            saveScreenshot(driver, "viewer-refused-launch.png");
        } finally {
            driver.quit();
        }
    }
}
