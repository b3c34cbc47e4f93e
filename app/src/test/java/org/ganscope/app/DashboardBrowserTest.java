package org.ganscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.LaunchRequest;
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

/**
 * The dashboard in a real browser (Debian's Chromium, headless): experiments grid, live detail page (a step's
 * progress seen part-done, then further along), every panel of a finished run, compare, playground, models and a
 * refused launch. Screenshots go to target/screenshots for a person to look at.
 */
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

    /** The cell texts of row {@code arguments[1]} of grid {@code arguments[0]}. */
    private static final String ROW_CELLS = """
            const grid = document.getElementById(arguments[0]);
            if (!grid || !grid.shadowRoot) return null;
            const row = [...grid.shadowRoot.querySelectorAll('#items tr')].find(r => r.index === arguments[1]);
            return row ? [...row.querySelectorAll('td slot')].map(s => s.assignedElements()[0]).map(c => c ? c.textContent.trim() : '') : null;
            """;

    /** Java collection or object toString output in the page's text: {a=1}, [1, 2, 3], [a, b, c], org.ganscope..., Foo@1a2b3c. */
    private static final java.util.regex.Pattern RAW = java.util.regex.Pattern.compile(
            "\\{[\\w ]+=|\\[(\\w+, ){2,}\\w+\\]|org\\.ganscope\\.|\\w@[0-9a-f]{6,}");

    /** Fails if the visible text of the page holds raw Java output; returns the text. */
    static String assertNoRawJava(ChromeDriver driver, String where) {
        String text = (String) driver.executeScript("return document.body.innerText;");
        var padded = java.util.regex.Pattern.compile("\\d\\.\\d{7,}").matcher(text);
        assertTrue(!padded.find(), where + ": a number at more precision than it carries: '" + (padded.hitEnd() ? ""
                : text.substring(Math.max(0, padded.start() - 40), Math.min(text.length(), padded.end() + 20))) + "'");
        var m = RAW.matcher(text);
        assertTrue(!m.find(), where + ": raw Java output '" + (m.hitEnd() ? "" : text.substring(Math.max(0, m.start() - 40),
                Math.min(text.length(), m.end() + 40))) + "'");
        return text;
    }

    /** Fails unless every header cell of grid {@code id} starts where its column's cells in the first row start. */
    static void assertColumnsInLine(JavascriptExecutor js, String id) {
        @SuppressWarnings("unchecked")
        List<List<Long>> lefts = (List<List<Long>>) js.executeScript("""
                const g = document.getElementById(arguments[0]).shadowRoot;
                const h = [...g.querySelectorAll('#header tr:not([hidden]) th')].map(c => Math.round(c.getBoundingClientRect().left));
                const r = [...g.querySelectorAll('#items tr')].find(r => r.index === 0);
                return [h, [...r.querySelectorAll('td')].map(c => Math.round(c.getBoundingClientRect().left))];""", id);
        assertEquals(lefts.get(0), lefts.get(1), id + ": each header above its column (left edges of headers, of first-row cells)");
    }

    /** Picks the option with text {@code text} of the vaadin-select {@code id}, as a person does: open it, click the item. */
    static void choose(ChromeDriver driver, WebDriverWait wait, String id, String text) {
        driver.executeScript("document.getElementById(arguments[0]).opened = true;", id);
        wait.until(d -> (Boolean) driver.executeScript("""
                const o = document.querySelector('vaadin-select-overlay[opened]');
                const i = o ? [...o.querySelectorAll('vaadin-select-item')].find(x => x.textContent.trim() === arguments[0]) : null;
                if (i) i.click();
                return !!i;""", text));
        wait.until(d -> (Boolean) driver.executeScript("return !document.getElementById(arguments[0]).opened;", id));
    }

    /** Picks the item labelled {@code label} of the vaadin-combo-box {@code id}. */
    static void pick(ChromeDriver driver, WebDriverWait wait, String id, String label) {
        driver.executeScript("document.getElementById(arguments[0]).opened = true;", id);
        wait.until(d -> (Boolean) driver.executeScript("""
                const c = document.getElementById(arguments[0]);
                const i = (c.filteredItems || []).find(x => x && x.label === arguments[1]);
                if (i) { c.selectedItem = i; c.opened = false; }
                return !!i;""", id, label));
    }

    private static final String DURATION = "\\d+ ms|\\d+\\.\\d s|\\d+ min \\d\\d s|\\d+ h \\d\\d min";

    @Autowired
    ExperimentService experiments;

    @Autowired
    org.ganscope.db.ResultRepository results;

    @Autowired
    org.ganscope.services.security.UserService users;

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
        // the form's input present, shown and enabled (on a loaded machine the page's script takes a while to make it so)
        wait.until(d -> d.findElements(By.cssSelector("vaadin-text-field[name='username'] > input")).stream()
                .anyMatch(e -> e.isDisplayed() && e.isEnabled()));
        driver.findElement(By.cssSelector("vaadin-text-field[name='username'] > input")).sendKeys(user);
        driver.findElement(By.cssSelector("vaadin-password-field[name='password'] > input")).sendKeys(password);
        driver.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
        wait.until(d -> !d.findElements(By.id("signed-in-user")).isEmpty() && user.equals(d.findElement(By.id("signed-in-user")).getText()));
    }

    /**
     * How long a gallery took, ms after the navigation's start on the browser's clock: its first
     * card on the page, three cards with their images, and every card on screen in the list with
     * its images; the machine's load average at the time.
     */
    record GalleryTime(double cardsMs, double threeMs, double onScreenMs, double load) {
    }

    /**
     * Installed on every new document: marks (ms after navigation start) when the page's parts first
     * appear and when gallery images finish loading, so that a slow gallery can be taken apart.
     */
    static final String TIMELINE = """
            window.__gsT = {};
            window.__gsLoaded = [];
            const mark = k => { if (!(k in window.__gsT)) window.__gsT[k] = Math.round(performance.now()); };
            const parts = [['header', '#parameters'], ['steps', '#steps'], ['gallery list', '#unit-gallery'],
                ['first card', '#unit-gallery .gallery-card'], ['rule counts', '#rule-counts .rule-count'],
                ['unit table rows', '#units vaadin-grid-cell-content'], ['explanations', '#explanations'], ['interventions', '#ablation'],
                ['metrics', '#metrics-panel'], ['artifacts', '#artifact-table']];
            new MutationObserver(() => parts.forEach(([k, q]) => { if (!(k in window.__gsT) && document.querySelector(q)) mark(k); }))
                .observe(document, {subtree: true, childList: true, characterData: true});
            document.addEventListener('load', e => {
              if (e.target.classList && e.target.classList.contains('gallery-image')) window.__gsLoaded.push(Math.round(performance.now()));
            }, true);
            """;

    /** The gallery's cards that lie inside the list's visible box, each [unit, image loaded with its natural width or 0]. */
    static final String ON_SCREEN = """
            const list = document.getElementById('unit-gallery');
            if (!list) return null;
            const box = list.getBoundingClientRect();
            return [...list.querySelectorAll('.gallery-card')].filter(c => {
                const r = c.getBoundingClientRect();
                return r.height > 0 && r.bottom > box.top && r.top < box.bottom;
              }).map(c => {
                const i = c.querySelector('img.gallery-image');
                return [Number(c.dataset.unit), i && i.complete ? i.naturalWidth : 0];
              });""";

    /**
     * Opens an experiment's page afresh and measures, on the browser's own clock from the navigation's
     * start, when the unit gallery's first card is on the page, when three cards show their loaded
     * images and when every card on screen does; printed with the page's timeline and appended to
     * target/screenshots/gallery-timing.txt. Measured, not asserted (timings depend on the machine);
     * what is asserted is what the user then sees: all 128 units in the list, every card on screen
     * with its four loaded images.
     */
    private GalleryTime galleryTime(ChromeDriver driver, long experiment, String what) throws InterruptedException {
        driver.get("about:blank");
        driver.get("http://127.0.0.1:" + port + "/experiments/" + experiment);
        double[] seen = new double[3];
        new WebDriverWait(driver, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(20)).until(d -> {
            double now = ((Number) driver.executeScript("return performance.now();")).doubleValue();
            if (seen[0] == 0 && (Boolean) driver.executeScript("return !!document.querySelector('#unit-gallery .gallery-card');")) {
                seen[0] = now;
            }
            Long loaded = (Long) driver.executeScript("return [...document.querySelectorAll('#unit-gallery img.gallery-image')]"
                    + ".filter(i => i.complete && i.naturalWidth > 0).length;");
            if (seen[1] == 0 && loaded >= 3) {
                seen[1] = now;
            }
            @SuppressWarnings("unchecked")
            List<List<Number>> cards = (List<List<Number>>) driver.executeScript(ON_SCREEN);
            if (seen[2] == 0 && cards != null && cards.size() >= 3 && cards.stream().allMatch(c -> c.get(1).longValue() > 0)) {
                seen[2] = now;
            }
            return seen[1] > 0 && seen[2] > 0;
        });
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        // what the user sees: the whole layer in the (virtualised) list, the cards on screen with their 4 images of 64 px
        assertEquals("128 of 128 units", driver.findElement(By.id("gallery-count")).getText());
        assertEquals(128L, driver.executeScript("return document.getElementById('unit-gallery').items.length;"), "128 units in the virtual list");
        @SuppressWarnings("unchecked")
        List<List<Number>> onScreen = (List<List<Number>>) driver.executeScript(ON_SCREEN);
        assertTrue(onScreen.size() >= 3 && onScreen.stream().allMatch(c -> c.get(1).longValue() == 4L * 64), "cards on screen with their images: " + onScreen);
        Long rendered = (Long) driver.executeScript("return document.querySelectorAll('#unit-gallery .gallery-card').length;");
        assertTrue(rendered < 128, "virtualised: only " + rendered + " of 128 cards are rendered");
        Thread.sleep(1500); // the rest of the page, for the timeline
        String timeline = (String) driver.executeScript("""
                const t = Object.entries(window.__gsT || {}).sort((a, b) => a[1] - b[1]).map(([k, v]) => k + ' ' + v).join(', ');
                const nav = performance.getEntriesByType('navigation')[0];
                const res = performance.getEntriesByType('resource').filter(e => e.name.includes('/unit_'));
                return 'document ' + Math.round(nav.responseEnd) + ', DOM ready ' + Math.round(nav.domContentLoadedEventEnd) + ', ' + t
                    + '; gallery images loaded at ' + (window.__gsLoaded || []).slice(0, 12).join(' ')
                    + '; ' + res.length + ' strips fetched, ' + res.filter(e => e.transferSize === 0).length + ' of them from the browser cache';""");
        String line = String.format(java.util.Locale.ROOT, "unit gallery (experiment %d, layer2, 128 units, %s): first card %.0f ms, three cards with"
                + " images %.0f ms, all %d cards on screen with images %.0f ms after the page was opened; load average %.2f%n  timeline (ms): %s%n",
                experiment, what, seen[0], seen[1], onScreen.size(), seen[2], load, timeline);
        System.out.print(line);
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("gallery-timing.txt"), line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new GalleryTime(seen[0], seen[1], seen[2], load);
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

    /**
     * The step table's rows as the user sees them: [step, status, done, total, the bar's value, the text beside the bar].
     * The progress cell's data-done/data-total are the counts the bar and its percentage are drawn from.
     */
    static final String STEP_ROWS = """
            const grid = document.getElementById('steps');
            if (!grid || !grid.shadowRoot) return null;
            return [...grid.shadowRoot.querySelectorAll('#items tr')].filter(r => !r.hidden && r.index !== undefined).map(r => {
              const cells = [...r.querySelectorAll('td slot')].map(s => s.assignedElements()[0]);
              const p = cells[5] ? cells[5].querySelector('.step-progress') : null;
              const bar = p ? p.querySelector('vaadin-progress-bar') : null;
              return [cells[0] ? cells[0].textContent.trim() : '', cells[1] ? cells[1].textContent.trim() : '',
                  p ? Number(p.dataset.done) : -1, p ? Number(p.dataset.total) : -1, bar ? Number(bar.value) : -1,
                  p ? p.innerText.trim() : ''];
            });""";

    /** One step row of {@link #STEP_ROWS}. */
    record StepRow(String step, String status, long done, long total, double bar, String text) {
        @SuppressWarnings("unchecked")
        static List<StepRow> read(JavascriptExecutor js) {
            List<List<Object>> rows = (List<List<Object>>) js.executeScript(STEP_ROWS);
            return rows == null ? List.of() : rows.stream().map(r -> new StepRow((String) r.get(0), (String) r.get(1),
                    ((Number) r.get(2)).longValue(), ((Number) r.get(3)).longValue(), ((Number) r.get(4)).doubleValue(), (String) r.get(5))).toList();
        }
    }

    @Test
    void browseExperimentsWatchOneFinishAndSeeARefusedLaunch() throws Exception {
        // progress that moves: a dissection with one shard of 2,000 images, long enough that its step stays part-done for
        // several of the page's 1 s polls (the shard reports at most once a second, so every count it shows stays a second
        // or more); launched first so the worker starts on it while the browser opens its page. Another seed than the runs
        // below, so that none of them reuses its threshold pass.
        long moving = experiments.launch(new LaunchRequest("moving progress", "outdoor-base-s100", List.of("layer2"), 2000, 7L, 20, null, null, null, 1,
                List.of("ui"), List.of("dissect")), "test");
        long other = experiments.launch(new LaunchRequest("second variant", "outdoor-mbstd-s100", List.of("layer2"), 40, 1L, 20, null, null, null, 2,
                List.of("ui"), List.of("dissect")), "test");
        long id = experiments.launch(new LaunchRequest("browser <b>test</b>", "outdoor-base-s100", List.of("layer2"), 40, 1L, 20, null, null, null, 2,
                List.of("ui"), List.of("dissect", "metrics", "explain", "intervene", "optimize", "artifacts"), List.of("tree")), "test");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900");
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        Files.deleteIfExists(Path.of("target", "screenshots", "gallery-timing.txt"));
        ChromeDriver driver = new ChromeDriver(svc, o);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source", TIMELINE));
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            JavascriptExecutor js = driver;
            signIn(driver, wait, "admin", "browser-test-password");
            driver.get("http://127.0.0.1:" + port + "/");
            wait.until(d -> js.executeScript(FIRST_CELL, "experiments", 1) != null);
            assertEquals("browser <b>test</b>", js.executeScript(FIRST_CELL, "experiments", 1), "names are shown as text, not HTML");
            saveScreenshot(driver, "experiments.png");

            // progress moves while it runs: the dissect step's row is seen running part-done (0 < done < total, the bar
            // between empty and full), then, at a later poll, further along (or done), on the same page without a reload
            driver.get("http://127.0.0.1:" + port + "/experiments/" + moving);
            StepRow partway = new WebDriverWait(driver, Duration.ofSeconds(600)).pollingEvery(Duration.ofMillis(100)).until(d -> {
                var rows = StepRow.read(js);
                return rows.size() == 1 && rows.get(0).status().equals("RUNNING") && rows.get(0).done() > 0
                        && rows.get(0).done() < rows.get(0).total() ? rows.get(0) : null;
            });
            assertEquals("dissect layer2", partway.step());
            assertEquals(2L * 20 + 2000, partway.total(), "the threshold pass (2 x 20) and the 2,000 evaluation images");
            assertEquals((double) partway.done() / partway.total(), partway.bar(), 1e-9, "the bar shows the count: " + partway);
            assertTrue(partway.bar() > 0 && partway.bar() < 1 && partway.text().matches("\\d+%( · about .+ left)?"), "part-done, with its percentage: " + partway);
            assertEquals("RUNNING", driver.findElement(By.id("status")).getText());
            // the badge keeps its own height beside the Cancel button; before a layer is dissected the page says so, with no
            // empty layer choice and no title over a hidden table
            assertEquals(true, js.executeScript("return document.getElementById('status').getBoundingClientRect().height"
                    + " < document.getElementById('cancel').getBoundingClientRect().height;"), "the status badge is not stretched");
            String runningPage = assertNoRawJava(driver, "running experiment");
            assertTrue(runningPage.contains("The units appear here when the first layer's dissection has finished.")
                    && !runningPage.contains("Unit table") && driver.findElements(By.id("layer-summary")).stream()
                    .noneMatch(org.openqa.selenium.WebElement::isDisplayed), runningPage);
            saveScreenshot(driver, "experiment-progress-partway.png");
            StepRow later = new WebDriverWait(driver, Duration.ofSeconds(600)).pollingEvery(Duration.ofMillis(100)).until(d -> {
                var rows = StepRow.read(js);
                return rows.size() == 1 && rows.get(0).done() > partway.done() ? rows.get(0) : null;
            });
            assertTrue(later.bar() > partway.bar() && later.done() <= later.total(), "further along: " + partway + " then " + later);
            assertTrue(later.status().equals("RUNNING") || later.status().equals("SUCCEEDED") && later.done() == later.total(),
                    "still running, or done with every image counted: " + later);
            System.out.println("progress seen moving: " + partway + " then " + later);
            saveScreenshot(driver, "experiment-progress-later.png");

            driver.get("http://127.0.0.1:" + port + "/experiments/" + id);
            // actions only when possible: while it is queued or running, an operator may cancel it but not retry it
            wait.until(d -> List.of("QUEUED", "RUNNING").contains(d.findElement(By.id("status")).getText())
                    && d.findElement(By.id("cancel")).isDisplayed());
            assertTrue(driver.findElements(By.id("retry")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed), "no retry while it runs");
            // live: polled while the workflow runs all six steps (a minute on 2 idle cores; more when the machine is busy)
            new WebDriverWait(driver, Duration.ofSeconds(900)).until(d -> "SUCCEEDED".equals(d.findElement(By.id("status")).getText()));
            wait.until(d -> js.executeScript(FIRST_CELL, "units", 0) != null);
            assertEquals("0", js.executeScript(FIRST_CELL, "units", 0));

            // the header: badge, bundle linked to its card, who launched it, when, how long, with which parameters
            assertEquals("SUCCEEDED", driver.findElement(By.id("status")).getAttribute("data-status"));
            assertEquals("outdoor-base-s100", driver.findElement(By.id("bundle-link")).getText());
            assertTrue(driver.findElement(By.id("bundle-link")).getAttribute("href").endsWith("/models?bundle=outdoor-base-s100"));
            assertEquals("test", driver.findElement(By.id("launched-by")).getText());
            assertTrue(driver.findElement(By.id("started")).getText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"),
                    driver.findElement(By.id("started")).getText());
            assertTrue(driver.findElement(By.id("finished")).getText().endsWith(" UTC"), driver.findElement(By.id("finished")).getText());
            assertTrue(driver.findElement(By.id("duration")).getText().matches(DURATION), driver.findElement(By.id("duration")).getText());
            String params = driver.findElement(By.id("parameters")).getText();
            assertTrue(params.contains("layers layer2") && params.contains("samples 40 (seed 1)") && params.contains("method iqr")
                    && params.matches(".*bundle hash [0-9a-f]{12}$"), params);
            // actions only when possible: a SUCCEEDED experiment can be neither cancelled nor retried
            // (a hidden Vaadin component is not sent to the browser at all, so absent or not displayed)
            assertTrue(driver.findElements(By.id("cancel")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed)
                    && driver.findElements(By.id("retry")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed));
            // the step timeline: every step started, with a duration
            for (int row = 0; row < 6; row++) {
                int r = row;
                @SuppressWarnings("unchecked")
                List<String> cells = wait.until(d -> (List<String>) js.executeScript(ROW_CELLS, "steps", r));
                assertTrue(cells.get(3).endsWith(" UTC") && cells.get(4).matches(DURATION), "step row " + row + ": " + cells);
            }
            assertEquals(true, js.executeScript("return [...document.querySelectorAll('#steps .step-progress')].some(e => e.dataset.total === '80'"
                    + " && e.dataset.done === '80');"), "the dissect step's progress counts its threshold pass (2 x 20) and its 40 images");
            String page = assertNoRawJava(driver, "experiment page");
            assertTrue(page.contains("interpretable units with control of 128: object "), page);
            assertTrue(!page.contains("{\""), "no raw JSON on the page");
            // the three interpretability rules side by side, as stored: SPEC and controlled with their bootstrap intervals, top-1% without
            var ruleRows = results.interpretableCounts(id, "layer2");
            java.util.function.Function<String, org.ganscope.db.ResultRepository.CountRow> total = rule -> ruleRows.stream()
                    .filter(c -> c.rule().equals(rule) && c.category().equals("total")).findFirst().orElseThrow();
            String ruleText = wait.until(d -> {
                String t = d.findElement(By.id("rule-counts")).getText();
                return t.contains("top-1%") ? t : null;
            });
            java.util.function.Function<String, String> shown = rule -> {
                var c = total.apply(rule);
                return c.ciLow() == null ? String.valueOf(c.units())
                        : String.format(java.util.Locale.ROOT, "%d [%.0f, %.0f]", c.units(), c.ciLow(), c.ciHigh());
            };
            assertTrue(total.apply("spec").ciLow() != null && total.apply("top1").ciLow() == null, ruleRows.toString());
            @SuppressWarnings("unchecked")
            List<List<Object>> ruleCells = (List<List<Object>>) js.executeScript("return [...document.querySelectorAll('#rule-counts .rule-count')]"
                    + ".map(d => [d.querySelector('.rule-label').innerText, d.querySelector('.rule-value').innerText, d.offsetTop]);");
            assertEquals(List.of(List.of("interpretable with control (beats its location baseline at FDR 5%, lift ≥ 0.02, IoU ≥ 2× null)",
                    shown.apply("controlled")),
                    List.of("without control (IoU > 0.05, IQR > 0.01)", shown.apply("spec")),
                    List.of("… without control, top-1% quantile rule", shown.apply("top1") + " (no interval computed)")),
                    ruleCells.stream().map(c -> c.subList(0, 2)).toList(), ruleText);
            assertEquals(1, ruleCells.stream().map(c -> c.get(2)).distinct().count(), "the three rules side by side in one row at 1200 px: " + ruleCells);
            js.executeScript("document.getElementById('rule-counts').scrollIntoView()");
            saveScreenshot(driver, "experiment-rule-counts.png");

            // the unit gallery of the 128-unit layer, opened afresh: time until its first cards show their images
            // (its strips were rendered on the first visit: this is a page opened again, from the server's cache)
            galleryTime(driver, id, "again");
            assertEquals(4L * 64, js.executeScript("return document.querySelector('#unit-gallery img.gallery-image').naturalWidth;"),
                    "4 top images of 64 px");
            assertEquals("128 of 128 units", driver.findElement(By.id("gallery-count")).getText());
            var rows = results.units(id, "layer2");
            int best = rows.stream().sorted(java.util.Comparator.comparingDouble(org.ganscope.db.ResultRepository.UnitRow::iou).reversed()
                    .thenComparingInt(org.ganscope.db.ResultRepository.UnitRow::unit)).findFirst().orElseThrow().unit();
            assertEquals(String.valueOf(best), js.executeScript("return document.querySelector('#unit-gallery .gallery-card').dataset.unit;"),
                    "sorted by IoU, best first");
            String firstCard = (String) js.executeScript("return document.querySelector('#unit-gallery .gallery-card').innerText;");
            assertTrue(firstCard.matches("(?s).*IoU \\d\\.\\d{3} \\[\\d\\.\\d{3}, \\d\\.\\d{3}\\].*"), firstCard);
            var bestRow = rows.stream().filter(u -> u.unit() == best).findFirst().orElseThrow();
            assertTrue(firstCard.startsWith("unit " + best + " · " + bestRow.labelName() + " (" + bestRow.category() + ")"), "its label: " + firstCard);
            // the mask outlined on the top images: the strip's own pixels, as the browser decoded them, hold the outline colour
            Long outline = (Long) js.executeScript("""
                    const i = document.querySelector('#unit-gallery .gallery-card img.gallery-image');
                    const c = document.createElement('canvas');
                    c.width = i.naturalWidth;
                    c.height = i.naturalHeight;
                    const g = c.getContext('2d');
                    g.drawImage(i, 0, 0);
                    const d = g.getImageData(0, 0, c.width, c.height).data;
                    let n = 0;
                    for (let k = 0; k < d.length; k += 4) if (d[k] === 0xFF && d[k + 1] === 0xE0 && d[k + 2] === 0) n++;
                    return n;""");
            assertTrue(outline > 0, "the mask's edge is outlined (#FFE000) on the first card's images");
            saveScreenshot(driver, "experiment-header-gallery.png");
            js.executeScript("document.getElementById('unit-gallery-panel').scrollIntoView()");
            saveScreenshot(driver, "experiment-gallery.png");
            long objects = rows.stream().filter(u -> "object".equals(u.category())).count();
            choose(driver, wait, "gallery-category", "object");
            wait.until(d -> (objects + " of 128 units").equals(d.findElement(By.id("gallery-count")).getText()));
            long beatsObjects = rows.stream().filter(u -> "object".equals(u.category()) && Boolean.TRUE.equals(u.beatsLocation())).count();
            js.executeScript("document.getElementById('gallery-beats').click();");
            wait.until(d -> (beatsObjects + " of 128 units").equals(d.findElement(By.id("gallery-count")).getText()));
            choose(driver, wait, "gallery-category", "any");
            js.executeScript("document.getElementById('gallery-beats').click();");
            choose(driver, wait, "gallery-sort", "lift");
            int bestLift = rows.stream().sorted(java.util.Comparator.comparingDouble((org.ganscope.db.ResultRepository.UnitRow u) -> u.lift()).reversed()
                    .thenComparingInt(org.ganscope.db.ResultRepository.UnitRow::unit)).findFirst().orElseThrow().unit();
            wait.until(d -> "128 of 128 units".equals(d.findElement(By.id("gallery-count")).getText())
                    && String.valueOf(bestLift).equals(js.executeScript("return document.querySelector('#unit-gallery .gallery-card')?.dataset.unit;")));
            String cls = rows.stream().filter(u -> u.unit() == bestLift).findFirst().orElseThrow().labelName();
            long ofClass = rows.stream().filter(u -> cls.equals(u.labelName())).count();
            pick(driver, wait, "gallery-class", cls);
            wait.until(d -> (ofClass + " of 128 units").equals(d.findElement(By.id("gallery-count")).getText()));
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('#unit-gallery img.gallery-image')]"
                    + ".some(i => i.complete && i.naturalWidth > 0);"));
            saveScreenshot(driver, "experiment-gallery-filtered.png");
            wait.until(d -> js.executeScript(FIRST_CELL, "units", 0) != null);
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
            // each ablation point: top-n against random, with the empirical p-value over the 20 draws as stored
            var ablationRows = results.interventions(id, "layer2").stream().filter(r -> r.kind().equals("ablation")).toList();
            assertTrue(!ablationRows.isEmpty() && ablationRows.stream().allMatch(r -> r.pValue() != null && r.draws() == 20), ablationRows.toString());
            for (int row = 0; row < ablationRows.size(); row++) {
                int r = row;
                var stored = ablationRows.get(row);
                @SuppressWarnings("unchecked")
                List<String> cells = wait.until(d -> (List<String>) js.executeScript(ROW_CELLS, "ablation", r));
                assertEquals(List.of("tree", String.valueOf(stored.n()), String.format(java.util.Locale.ROOT, "%.4f", stored.value()),
                        String.format(java.util.Locale.ROOT, "%.4f ± %.4f", stored.baseline(), stored.spread()),
                        String.format(java.util.Locale.ROOT, "p = %.3f (20 draws)", stored.pValue())), cells, "ablation row " + row);
            }
            js.executeScript("document.getElementById('ablation').scrollIntoView()");
            saveScreenshot(driver, "experiment-ablation-p.png");
            js.executeScript("document.getElementById('ablation-chart-0').scrollIntoView()");
            saveScreenshot(driver, "experiment-interventions.png");

            // the optimize step's curve and alpha, the artifacts step's gallery and table
            wait.until(d -> "true".equals(d.findElement(By.id("alpha-curve-0")).getAttribute("data-rendered")));
            wait.until(d -> "true".equals(d.findElement(By.id("alpha-final-0")).getAttribute("data-rendered")));
            // readable x axes: the objective curve a handful of iteration ticks, the final-alpha bars one turned label per unit
            @SuppressWarnings("unchecked")
            List<Object> alphaAxes = (List<Object>) js.executeScript("""
                    const axis = id => echarts.getInstanceByDom(document.getElementById(id)).getModel().getComponent('xAxis', 0).axis;
                    const curve = axis('alpha-curve-0'), bars = axis('alpha-final-0');
                    return [curve.type, curve.getViewLabels().length, bars.getViewLabels().length, bars.scale.count(),
                        echarts.getInstanceByDom(document.getElementById('alpha-final-0')).getOption().xAxis[0].axisLabel.rotate];""");
            assertEquals("value", alphaAxes.get(0), "iterations on a value axis: " + alphaAxes);
            assertTrue(((Number) alphaAxes.get(1)).longValue() >= 2 && ((Number) alphaAxes.get(1)).longValue() <= 8,
                    "a handful of iteration labels: " + alphaAxes);
            assertEquals(alphaAxes.get(3), alphaAxes.get(2), "every bar's unit labelled: " + alphaAxes);
            assertEquals(45L, alphaAxes.get(4), "turned: " + alphaAxes);
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('artifact-gallery'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertEquals(8L * 64, js.executeScript("return document.getElementById('artifact-gallery').naturalWidth;"), "8 samples before/after");
            String metrics = driver.findElement(By.id("metrics-panel")).getText();
            assertTrue(metrics.contains("domain FD") && metrics.contains("measured against") && metrics.contains("lower")
                    && metrics.contains("higher"), metrics);
            // every metric but SWD with its bootstrap interval, domain FD also with the real floor
            assertTrue(metrics.contains("95% interval") && metrics.contains("real floor") && metrics.contains("bootstrap replicates"), metrics);
            assertEquals(5, java.util.regex.Pattern.compile("\\d to -?\\d").matcher(metrics).results().count(),
                    "five metrics with an interval (number to number): " + metrics);
            assertNoRawJava(driver, "experiment page with all steps");
            js.executeScript("document.getElementById('metrics-panel').scrollIntoView()");
            saveScreenshot(driver, "experiment-metrics.png");
            js.executeScript("document.getElementById('alpha-curve-0').scrollIntoView()");
            saveScreenshot(driver, "experiment-alpha-artifacts.png");
            // the artifacts table: the random rows say how many draws they average, in full, not cut off
            @SuppressWarnings("unchecked")
            List<List<Object>> ablated = (List<List<Object>>) js.executeScript("return [...document.querySelectorAll('#artifact-table vaadin-grid-cell-content')]"
                    + ".filter(c => c.textContent.trim().startsWith('random ')).map(c => [c.textContent.trim(), c.scrollWidth <= c.clientWidth,"
                    + " c.getBoundingClientRect().width]);");
            assertTrue(ablated.size() >= 1 && ablated.stream().allMatch(c -> ((String) c.get(0)).matches("random \\d+ \\(mean of \\d+ draws?\\)")
                    && Boolean.TRUE.equals(c.get(1))), "random rows readable in full: " + ablated);
            String artifactText = (String) js.executeScript("return document.getElementById('artifact-table').parentElement.innerText;");
            assertTrue(artifactText.contains("so 'none' is not the same sample as the Metrics table's"), "the FD difference explained: " + artifactText);
            js.executeScript("document.getElementById('artifact-table').scrollIntoView({block: 'center'})");
            saveScreenshot(driver, "experiment-artifacts-table.png");

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
            // the exports as a researcher downloads them: units.json describes itself, units.csv has its documented precision
            String fetchText = "const done = arguments[arguments.length - 1];"
                    + " fetch(document.getElementById(arguments[0]).href).then(r => r.text()).then(done, e => done('ERROR ' + e));";
            JsonNode unitsJson = new ObjectMapper().readTree((String) driver.executeAsyncScript(fetchText, "download-units-json"));
            assertEquals(id, unitsJson.at("/experiment/id").asLong());
            assertEquals("layer2", unitsJson.get("layer").asText());
            assertTrue(unitsJson.at("/bundle/hash").asText().matches("[0-9a-f]{64}") && "outdoor-base-s100".equals(unitsJson.at("/bundle/name").asText()),
                    unitsJson.get("bundle").toString());
            assertEquals("iqr", unitsJson.at("/threshold/method").asText());
            assertEquals(128, unitsJson.get("units").size());
            String[] csvRows = ((String) driver.executeAsyncScript(fetchText, "download-units-csv")).split("\n");
            assertEquals(129, csvRows.length, "a header and 128 units");
            String[] csvFirst = csvRows[1].split(",");
            assertTrue(csvFirst[4].matches("\\d\\.\\d{6}") && csvFirst[5].matches("\\d\\.\\d{6}"), "IoU and IQR with 6 decimals: " + csvRows[1]);
            assertTrue(driver.findElement(By.id("download-units-csv")).getAttribute("title").contains("6 decimals"),
                    "the precision is said where the file is downloaded");

            // compare the two runs: variant table, per-class bars, parameter diff, best unit per class side by side
            new WebDriverWait(driver, Duration.ofSeconds(900)).until(d -> experimentRows.get(other).orElseThrow().status().equals("SUCCEEDED"));
            // the other run's page, never opened: its bundle's layer model and every strip rendered from nothing
            galleryTime(driver, other, "first time, another bundle");
            saveScreenshot(driver, "experiment-gallery-cold.png");
            driver.get("http://127.0.0.1:" + port + "/compare?ids=" + id + "," + other);
            wait.until(d -> js.executeScript(FIRST_CELL, "compare-table", 0) != null);
            wait.until(d -> "true".equals(d.findElement(By.id("class-chart")).getAttribute("data-rendered")));
            // best units are only units interpretable with control (compare v3): an image per run and class it has such a unit
            // for, and none where a 40-image run has none (these two often have none: then the table says so, without images)
            long expectedImages = java.util.stream.Stream.of(id, other).mapToLong(x -> results.units(x, "layer2").stream()
                    .filter(u -> Boolean.TRUE.equals(u.interpretableControlled())).map(u -> u.labelName()).distinct().count()).sum();
            wait.until(d -> (Long) js.executeScript("return document.getElementById('best-units').children.length;") >= 3);
            Long loaded = wait.until(d -> {
                Long n = (Long) js.executeScript("return [...document.querySelectorAll('img.best-unit')].filter(i => i.complete && i.naturalWidth > 0).length;");
                return n != null && n == expectedImages ? n : null;
            });
            assertEquals(expectedImages, loaded, "best-unit images: one per run and class with a unit interpretable with control");
            // the variant table: interpretable counts and the metrics with their 95% intervals
            @SuppressWarnings("unchecked")
            List<String> variantCells = new java.util.ArrayList<>((List<String>) js.executeScript(ROW_CELLS, "compare-table", 0));
            @SuppressWarnings("unchecked")
            List<String> secondRow = (List<String>) wait.until(d -> js.executeScript(ROW_CELLS, "compare-table", 1));
            variantCells.addAll(secondRow);
            assertTrue(variantCells.stream().anyMatch(c -> c.matches("\\d+ \\[\\d+, \\d+\\]")), "a count with its interval: " + variantCells);
            assertTrue(variantCells.stream().anyMatch(c -> c.matches("\\d\\.\\d+ \\[\\d\\.\\d+, \\d\\.\\d+\\]")),
                    "domain FD with its interval: " + variantCells);
            // the variant table fits the 1200 px window: no column hidden behind a horizontal scrollbar
            @SuppressWarnings("unchecked")
            List<Long> widths = (List<Long>) js.executeScript("const t = document.getElementById('compare-table').shadowRoot.getElementById('table');"
                    + " return [t.scrollWidth, t.clientWidth];");
            assertTrue(widths.get(0) <= widths.get(1), "the variant table's width (content, visible): " + widths);
            // the per-class bars name every class on the axis (turned, not skipped) and say what the bars count
            assertEquals(List.of(0L, 40L, "interpretable units (with control)"), js.executeScript("const o = echarts.getInstanceByDom(document.getElementById('class-chart'))"
                    + ".getOption(); return [o.xAxis[0].axisLabel.interval, o.xAxis[0].axisLabel.rotate, o.yAxis[0].name];"));
            // the parameter diff in words, lists spaced: "≠ bundle hash", "dissect, metrics, explain, ..."
            String paramText = driver.findElement(By.id("param-diff")).getText();
            @SuppressWarnings("unchecked")
            List<String> paramNames = (List<String>) js.executeScript("return [...document.querySelectorAll('#param-diff vaadin-grid-cell-content')]"
                    + ".map(c => c.textContent.trim()).filter(t => t.startsWith('\u2260 '));");
            assertTrue(paramNames.contains("\u2260 bundle hash") && paramNames.contains("\u2260 steps")
                    && paramNames.stream().noneMatch(n -> n.matches(".*[a-z][A-Z].*")), "parameter names in words: " + paramNames);
            @SuppressWarnings("unchecked")
            List<String> paramValues = (List<String>) js.executeScript("return [...document.querySelectorAll('#param-diff vaadin-grid-cell-content')]"
                    + ".map(c => c.textContent.trim());");
            assertTrue(paramValues.contains("dissect, metrics, explain, intervene, optimize, artifacts"), "steps listed with spaces: " + paramValues);
            String comparePage = assertNoRawJava(driver, "compare");
            assertTrue(!java.util.regex.Pattern.compile("[0-9a-f]{40,}").matcher(comparePage).find(), "hashes are shortened on screen");
            assertTrue(!comparePage.contains("/models/bundles"), "bundles by name, not by server path");
            @SuppressWarnings("unchecked")
            List<String> copyable = (List<String>) js.executeScript("return [...document.querySelectorAll('.hash-value')]"
                    + ".filter(s => s.nextElementSibling && s.nextElementSibling.innerText === 'copy').map(s => s.innerText + ' ' + s.title);");
            assertTrue(!copyable.isEmpty() && copyable.stream().allMatch(c -> c.matches("[0-9a-f]{12} [0-9a-f]{64}")),
                    "short hashes, the full one in the tooltip, with a copy button: " + copyable);
            assertTrue(!driver.findElements(By.id("layer-" + id)).isEmpty() && !driver.findElements(By.id("layer-" + other)).isEmpty(),
                    "a layer choice per experiment");
            String pickerLabel = (String) js.executeScript("return document.getElementById('compare-picker').selectedItems.map(i => i.label).join('|');");
            assertTrue(pickerLabel.contains(" · outdoor-base-s100 · layer2 · ") && pickerLabel.contains(" · outdoor-mbstd-s100 · "), pickerLabel);
            // the best unit per class: one grid, a header and a label per class then one cell per experiment
            Long bestCells = (Long) js.executeScript("return document.getElementById('best-units').children.length;");
            Long bestClasses = (Long) js.executeScript("return document.querySelectorAll('#best-units .best-class').length;");
            assertEquals((bestClasses + 1) * 3, bestCells, "aligned: " + bestClasses + " classes x (label + 2 experiments) + header");
            // the screenshots once every best-unit image is in (the page scrolls inside the layout, not the window)
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('img.best-unit')].every(i => i.complete && i.naturalWidth > 0);"));
            js.executeScript("document.getElementById('best-units').scrollIntoView()");
            saveScreenshot(driver, "compare-best-units.png");
            js.executeScript("document.getElementById('compare-picker').scrollIntoView({block: 'center'})");
            assertEquals(true, js.executeScript("const r = document.getElementById('compare-picker').getBoundingClientRect();"
                    + " return r.top >= 0 && r.bottom <= window.innerHeight;"), "compare.png shows the top of the page");
            saveScreenshot(driver, "compare.png");
            js.executeScript("document.getElementById('class-chart').scrollIntoView()");
            saveScreenshot(driver, "compare-class-chart.png");

            // playground: paint the lower half of sample 3, remove the tree units there, see before and after
            driver.get("http://127.0.0.1:" + port + "/playground?bundle=outdoor-base-s100&layer=layer2&class=tree&sample=3");
            wait.until(d -> (Boolean) js.executeScript("const p = document.getElementById('paint'); return !!(p && p.paintCells);"));
            js.executeScript("document.getElementById('paint').paintCells('0'.repeat(32) + '1'.repeat(32));");
            Thread.sleep(300); // the painted cells travel to the server
            driver.findElement(By.id("pg-apply")).click();
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('pg-result'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertEquals(3L * 64 * 4 + 2 * 16, js.executeScript("return document.getElementById('pg-result').naturalWidth;"), "before | after | change at 4x");
            String outcome = driver.findElement(By.id("pg-outcome")).getText();
            assertTrue(outcome.contains("remove 20 'tree' units") && outcome.matches(
                    "(?s).*The generator's layers after layer2 and the segmenter re-rendered the image in \\d+ ms\\..*"), outcome);
            assertTrue(!outcome.contains("f and") && !outcome.contains("re-ran"), "no paper symbols in the outcome: " + outcome);
            saveScreenshot(driver, "playground.png");
            // a first visit without choices: a bundle, its middle layer and a class are chosen, the sample shows at once
            driver.get("http://127.0.0.1:" + port + "/playground");
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('paint-image'); return !!(i && i.complete && i.naturalWidth > 0);"));
            wait.until(d -> (Boolean) js.executeScript("const p = document.getElementById('paint'); return !!(p && p.strokeCells);"));
            assertTrue(!((String) js.executeScript("return document.querySelector('#pg-layer input').value;")).isEmpty(), "a default layer");
            assertTrue(!((String) js.executeScript("return document.querySelector('#pg-class input').value;")).isEmpty(), "a default class");
            // a fast drag from the first to the last cell of row 0 (two pointer positions): every cell between is painted
            js.executeScript("const p = document.getElementById('paint'); p.strokeCells([[0, 0], [0, p.lastElementChild.style.gridTemplateColumns"
                    + ".match(/repeat\\((\\d+)/)[1] - 1]]);");
            Long rowCells = (Long) js.executeScript("return Number(document.getElementById('paint').lastElementChild.style.gridTemplateColumns.match(/repeat\\((\\d+)/)[1]);");
            assertEquals(rowCells, js.executeScript("return [...document.getElementById('paint').lastElementChild.children].filter(c => c.dataset.on === '1').length;"),
                    "one stroke across a row paints the whole row");
            // the brush: 3 cells wide, one click paints a 3 x 3 square
            js.executeScript("const f = document.getElementById('pg-brush'); f.value = '3'; f.dispatchEvent(new Event('change'));");
            wait.until(d -> Long.valueOf(3).equals(js.executeScript("return document.getElementById('paint').brush;")));
            js.executeScript("document.getElementById('paint').strokeCells([[4, 4]]);");
            assertEquals(rowCells + 9, js.executeScript("return [...document.getElementById('paint').lastElementChild.children].filter(c => c.dataset.on === '1').length;"),
                    "a 3-cell brush paints 9 cells");
            saveScreenshot(driver, "playground-defaults.png");

            // models: a bundle's card with its sample grid; the admin sees the upload
            driver.get("http://127.0.0.1:" + port + "/models");
            wait.until(d -> js.executeScript(FIRST_CELL, "bundles", 0) != null);
            assertTrue(!driver.findElements(By.id("bundle-upload")).isEmpty(), "admins can upload bundles");
            js.executeScript("const g = document.getElementById('bundles'); g.activeItem = g._dataProviderController.rootCache.items[0];");
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('model-samples'); return !!(i && i.complete && i.naturalWidth > 0);"));
            saveScreenshot(driver, "models.png");

            // the launch form refuses what it cannot launch, on the field, with the reason; nothing is replaced by a default
            driver.get("http://127.0.0.1:" + port + "/launch");
            wait.until(d -> d.findElements(By.id("launch")).size() == 1);
            long before = experimentRows.count(org.ganscope.db.ExperimentRepository.Query.all());
            driver.findElement(By.id("launch")).click();
            wait.until(d -> "true".equals(String.valueOf(js.executeScript("return document.getElementById('bundle').invalid;"))));
            assertEquals("choose a bundle", js.executeScript("return document.getElementById('bundle').errorMessage;"));
            driver.findElement(By.cssSelector("vaadin-text-field#name > input")).sendKeys("from the form");
            var bundleInput = driver.findElement(By.cssSelector("vaadin-combo-box#bundle > input"));
            bundleInput.click();
            bundleInput.sendKeys("outdoor-base-s100 (");
            wait.until(d -> (Boolean) js.executeScript("return document.getElementById('bundle').filteredItems?.length === 1;"));
            bundleInput.sendKeys(org.openqa.selenium.Keys.ARROW_DOWN, org.openqa.selenium.Keys.ENTER);
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('#layers vaadin-checkbox')].some(c => c.checked);"));
            wait.until(d -> !"true".equals(String.valueOf(js.executeScript("return document.getElementById('bundle').invalid;"))));
            // untick every layer: refused (it used to launch the middle layer)
            js.executeScript("[...document.querySelectorAll('#layers vaadin-checkbox')].filter(c => c.checked).forEach(c => c.click());");
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('#layers vaadin-checkbox')].every(c => !c.checked);"));
            var samplesInput = driver.findElement(By.cssSelector("vaadin-integer-field#samples > input"));
            samplesInput.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "99999999999");
            samplesInput.sendKeys(org.openqa.selenium.Keys.TAB);
            driver.findElement(By.id("launch")).click();
            wait.until(d -> "true".equals(String.valueOf(js.executeScript("return document.getElementById('layers').invalid;"))));
            assertEquals("tick at least one layer to dissect", js.executeScript("return document.getElementById('layers').errorMessage;"));
            assertEquals(true, js.executeScript("return document.getElementById('samples').invalid;"), "samples 99999999999 is refused");
            assertEquals("samples must be a whole number from 1 to 1,000,000", js.executeScript("return document.getElementById('samples').errorMessage;"));
            saveScreenshot(driver, "launch-refused.png");
            assertEquals(before, experimentRows.count(org.ganscope.db.ExperimentRepository.Query.all()), "nothing was launched");
            // launch from the form, as a researcher does, two layers: it opens the new experiment, which runs to the end live
            js.executeScript("[...document.querySelectorAll('#layers vaadin-checkbox')].filter(c => c.label === 'layer1' || c.label === 'layer2')"
                    + ".forEach(c => c.click());");
            samplesInput.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "40");
            samplesInput.sendKeys(org.openqa.selenium.Keys.TAB);
            wait.until(d -> (Long) js.executeScript("return [...document.querySelectorAll('#layers vaadin-checkbox')].filter(c => c.checked).length;") == 2L);
            driver.findElement(By.id("launch")).click();
            wait.until(d -> d.getCurrentUrl().matches(".*/experiments/\\d+$"));
            new WebDriverWait(driver, Duration.ofSeconds(900)).until(d -> "SUCCEEDED".equals(d.findElement(By.id("status")).getText()));
            long fromForm = Long.parseLong(driver.getCurrentUrl().replaceAll(".*/", ""));
            var launched = experimentRows.get(fromForm).orElseThrow();
            assertEquals("from the form", launched.name());
            assertEquals("admin", launched.createdBy());
            assertTrue(launched.paramsJson().contains("\"samples\": 40") || launched.paramsJson().contains("\"samples\":40"), launched.paramsJson());
            // two layers dissected: interpretable units per layer and category
            wait.until(d -> "true".equals(d.findElement(By.id("layer-chart")).getAttribute("data-rendered")));
            @SuppressWarnings("unchecked")
            List<String> layer1 = wait.until(d -> (List<String>) js.executeScript(ROW_CELLS, "layer-table", 0));
            @SuppressWarnings("unchecked")
            List<String> layer2 = wait.until(d -> (List<String>) js.executeScript(ROW_CELLS, "layer-table", 1));
            assertEquals("layer1", layer1.get(0));
            assertEquals("layer2", layer2.get(0));
            for (List<String> r : List.of(layer1, layer2)) {
                assertTrue(r.get(4).matches("\\d+( \\[\\d+, \\d+\\])?"), "total with its interval: " + r);
                assertTrue(r.get(6).matches("\\d+"), "the top-1% total beside it: " + r);
            }
            assertEquals("admin", driver.findElement(By.id("launched-by")).getText());
            js.executeScript("document.getElementById('layer-figure').scrollIntoView()");
            saveScreenshot(driver, "experiment-layers.png");
            assertNoRawJava(driver, "two-layer experiment");

            // the experiments grid: when each run started and how long it ran
            driver.get("http://127.0.0.1:" + port + "/");
            @SuppressWarnings("unchecked")
            List<String> gridRow = wait.until(d -> {
                for (int r = 0; r < 3; r++) {
                    List<String> cells = (List<String>) js.executeScript(ROW_CELLS, "experiments", r);
                    if (cells != null && !cells.isEmpty() && cells.get(0).equals(String.valueOf(id))) {
                        return cells;
                    }
                }
                return null;
            });
            assertTrue(gridRow.get(5).matches("[A-Z][a-z]{2} \\d{1,2} \\d\\d:\\d\\d") && gridRow.get(6).matches(DURATION),
                    "started and duration in the grid: " + gridRow);
            // every name in full (they were cut to a few letters), the hint on one line
            @SuppressWarnings("unchecked")
            List<List<Object>> names = (List<List<Object>>) js.executeScript("""
                    const grid = document.getElementById('experiments');
                    return [...grid.shadowRoot.querySelectorAll('#items tr')].filter(r => !r.hidden).map(r => {
                      const c = [...r.querySelectorAll('td slot')].map(s => s.assignedElements()[0])[1];
                      return [c.textContent.trim(), c.scrollWidth <= c.clientWidth];
                    });""");
            assertTrue(names.size() >= 4 && names.stream().allMatch(n -> Boolean.TRUE.equals(n.get(1))), "names not cut off: " + names);
            assertEquals(true, js.executeScript("return document.getElementById('experiments-hint').getBoundingClientRect().height < 30;"),
                    "the hint on one line");
            saveScreenshot(driver, "experiments-finished.png");

            // not found, inside the layout
            driver.get("http://127.0.0.1:" + port + "/experiments/9999");
            wait.until(d -> !d.findElements(By.id("not-found-reason")).isEmpty());
            assertEquals("There is no experiment 9999.", driver.findElement(By.id("not-found-reason")).getText());
            assertTrue(driver.findElements(By.id("notes")).isEmpty() && driver.findElements(By.id("cancel")).isEmpty());
            assertEquals("admin", driver.findElement(By.id("signed-in-user")).getText(), "inside the layout");
            saveScreenshot(driver, "not-found-experiment.png");
            driver.get("http://127.0.0.1:" + port + "/no/such/page");
            wait.until(d -> !d.findElements(By.id("not-found-reason")).isEmpty());
            assertTrue(driver.findElement(By.id("not-found-reason")).getText().contains("/no/such/page"));
            assertTrue(!driver.findElements(By.id("signed-in-user")).isEmpty());

            // a viewer browses but is refused the launch page and sees no cancel/retry
            users.create("viewer1", "viewer", "viewer-password");
            driver.findElement(By.id("logout")).click();
            wait.until(d -> d.getCurrentUrl().contains("/login"));
            signIn(driver, wait, "viewer1", "viewer-password");
            driver.get("http://127.0.0.1:" + port + "/experiments/" + id);
            wait.until(d -> "SUCCEEDED".equals(d.findElement(By.id("status")).getText()));
            assertTrue(driver.findElements(By.xpath("//vaadin-button[text()='Cancel']")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed));
            driver.get("http://127.0.0.1:" + port + "/launch");
            wait.until(d -> !d.findElements(By.id("forbidden-reason")).isEmpty() || !d.findElements(By.id("launch")).isEmpty());
            assertTrue(driver.findElements(By.id("launch")).isEmpty(), "a viewer must not get the launch form");
            assertTrue(driver.findElement(By.id("forbidden-reason")).getText().contains("needs the operator role"),
                    driver.findElement(By.id("forbidden-reason")).getText());
            assertEquals("viewer1", driver.findElement(By.id("signed-in-user")).getText(), "inside the layout");
            saveScreenshot(driver, "viewer-refused-launch.png");
            driver.get("http://127.0.0.1:" + port + "/users");
            wait.until(d -> !d.findElements(By.id("forbidden-reason")).isEmpty());
            assertTrue(driver.findElement(By.id("forbidden-reason")).getText().contains("needs the admin role"));
        } catch (Throwable t) {
            saveScreenshot(driver, "failure.png");
            System.out.println("FAILED at " + driver.getCurrentUrl() + "; page text:\n" + driver.executeScript("return document.body.innerText;"));
            experimentRows.list(org.ganscope.db.ExperimentRepository.Query.all(), 0, 20).forEach(e -> System.out.println(
                    "experiment " + e.id() + " " + e.status() + " " + e.error()));
            throw t;
        } finally {
            driver.quit();
        }
    }

    @Autowired
    org.ganscope.db.StepRepository stepRows;

    @Autowired
    org.ganscope.db.BundleRepository bundleRows;

    static ChromeDriver chromium() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900");
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        return new ChromeDriver(svc, o);
    }

    /** ms after the navigation's start when the unit page's first top image had loaded, on the browser's clock. */
    static final String FIRST_TILE = """
            const i = document.getElementById('unit-top-0');
            return i && i.complete && i.naturalWidth > 0 ? performance.now() : null;""";

    /**
     * The unit page opened from the gallery and from the table, what it shows; a step waiting for a worker shown as
     * QUEUED with no start time.
     */
    @Test
    void unitPageFromTheGalleryAndAQueuedStep() throws Exception {
        long id = experiments.launch(new LaunchRequest("unit page", "outdoor-base-s100", List.of("layer2"), 40, 3L, 20, null, null, null, 2,
                List.of("ui"), List.of("dissect", "explain", "intervene"), List.of("tree")), "test");
        // an experiment whose workflow has queued its steps and waits for a worker: as the platform records it
        var source = experimentRows.get(id).orElseThrow();
        long bundleId = bundleRows.all().stream().filter(b -> b.name().equals("outdoor-base-s100")).findFirst().orElseThrow().id();
        long queued = experimentRows.create("waiting for a worker", bundleId, source.paramsJson(), "test", List.of("ui"));
        stepRows.queue(queued, "dissect", "layer2", 2L * 20 + 40);
        stepRows.queue(queued, "metrics", "", 0);
        ChromeDriver driver = chromium();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            JavascriptExecutor js = driver;
            signIn(driver, wait, "admin", "browser-test-password");

            driver.get("http://127.0.0.1:" + port + "/experiments/" + queued);
            wait.until(d -> StepRow.read(js).size() == 2);
            assertEquals("QUEUED", driver.findElement(By.id("status")).getText(), "no step has started: the experiment is QUEUED");
            for (int r = 0; r < 2; r++) {
                int row = r;
                @SuppressWarnings("unchecked")
                List<String> cells = wait.until(d -> (List<String>) js.executeScript(ROW_CELLS, "steps", row));
                assertEquals("QUEUED", cells.get(1), "step row " + row + ": " + cells);
                assertEquals("", cells.get(3), "a queued step has no start time: " + cells);
                assertEquals("", cells.get(4), "nor a duration: " + cells);
            }
            StepRow waiting = StepRow.read(js).get(0);
            assertEquals(0.0, waiting.bar(), 1e-9);
            assertEquals("queued", waiting.text(), "the bar says why it is empty: " + waiting);
            assertTrue(driver.findElement(By.id("started")).getText().startsWith("not yet (queued "), driver.findElement(By.id("started")).getText());
            saveScreenshot(driver, "experiment-queued.png");

            driver.get("http://127.0.0.1:" + port + "/experiments/" + id);
            new WebDriverWait(driver, Duration.ofSeconds(900)).until(d -> "SUCCEEDED".equals(d.findElement(By.id("status")).getText()));
            // the progress cells of a finished run: every bar full, no step's total revised since launch
            for (StepRow r : StepRow.read(js)) {
                assertEquals(1.0, r.bar(), 1e-9, r.toString());
                assertEquals("done", r.text(), "fixed at launch, nothing revised: " + r);
            }
            wait.until(d -> (Boolean) js.executeScript("return !!document.querySelector('#unit-gallery .gallery-card');"));
            // gallery tiles at exactly 2x (crisp, not a blurry 1.5x stretch)
            assertEquals(List.of(512L, 128L, "pixelated"), js.executeScript("const i = document.querySelector('#unit-gallery img.gallery-image');"
                    + " const r = i.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height), getComputedStyle(i).imageRendering];"));
            String best = (String) js.executeScript("return document.querySelector('#unit-gallery .gallery-card').dataset.unit;");
            js.executeScript("document.querySelector('#unit-gallery .gallery-card').click();");
            String unitUrl = "http://127.0.0.1:" + port + "/experiments/" + id + "/layers/layer2/units/" + best;
            wait.until(d -> d.getCurrentUrl().equals(unitUrl));
            wait.until(d -> js.executeScript(FIRST_TILE) != null);
            var rows = results.units(id, "layer2");
            var row = rows.stream().filter(u -> u.unit() == Integer.parseInt(best)).findFirst().orElseThrow();
            assertEquals("Unit " + best + " · " + row.labelName() + " (" + row.category() + ")", driver.findElement(By.id("unit-title")).getText());
            // the top images: 8, each at least 128 px wide on screen, pixel-sharp, apart, the mask outlined
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('img.unit-top-image')].every(i => i.complete && i.naturalWidth > 0);"));
            @SuppressWarnings("unchecked")
            List<List<Object>> tiles = (List<List<Object>>) js.executeScript("return [...document.querySelectorAll('img.unit-top-image')].map(i => {"
                    + " const r = i.getBoundingClientRect(); return [r.left, r.right, r.top, i.naturalWidth, getComputedStyle(i).imageRendering]; });");
            assertEquals(8, tiles.size(), "the top 8 images: " + tiles);
            for (List<Object> t : tiles) {
                double width = ((Number) t.get(1)).doubleValue() - ((Number) t.get(0)).doubleValue();
                assertTrue(width >= 128, "at least 128 px wide on screen: " + tiles);
                assertEquals(3L * 64, ((Number) t.get(3)).longValue(), "64-px images magnified 3x on the server: " + tiles);
                assertEquals("pixelated", t.get(4), "no smoothing in the browser either");
            }
            double gap = ((Number) tiles.get(1).get(0)).doubleValue() - ((Number) tiles.get(0).get(1)).doubleValue();
            assertTrue(gap >= 8, "a gap between images: " + gap);
            Long outline = (Long) js.executeScript("""
                    const i = document.getElementById('unit-top-0');
                    const c = document.createElement('canvas');
                    c.width = i.naturalWidth; c.height = i.naturalHeight;
                    const g = c.getContext('2d');
                    g.drawImage(i, 0, 0);
                    const d = g.getImageData(0, 0, c.width, c.height).data;
                    let n = 0;
                    for (let k = 0; k < d.length; k += 4) if (d[k] === 0xFF && d[k + 1] === 0xE0 && d[k + 2] === 0) n++;
                    return n;""");
            assertTrue(outline > 0, "the mask's edge outlined on the top image");
            // the decision with the numbers that decide it
            String decision = driver.findElement(By.id("unit-decision")).getText();
            assertTrue(decision.contains(String.format(java.util.Locale.ROOT, "q = %.2g", row.locationQ())) && decision.contains("lift")
                    && decision.contains("(95%, delta method)") && decision.contains("null IoU") && decision.contains("location baseline IoU"), decision);
            assertTrue(decision.contains("IoU " + String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]", row.iou(), row.iouCiLow(), row.iouCiHigh()))
                    || decision.contains(String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]", row.iou(), row.iouCiLow(), row.iouCiHigh())), decision);
            // IoU per class: the label's row with its interval; per category its best class
            wait.until(d -> js.executeScript(FIRST_CELL, "unit-classes", 0) != null);
            assertTrue(driver.findElements(By.cssSelector("#unit-groups .unit-group")).size() >= 2, "best class per category");
            // the histogram with the threshold line; the formula with its held-out IoU; the share in the ablation of tree
            wait.until(d -> "true".equals(d.findElement(By.id("unit-histogram")).getAttribute("data-rendered")));
            assertEquals(row.threshold(), ((Number) js.executeScript("return echarts.getInstanceByDom(document.getElementById('unit-histogram'))"
                    + ".getOption().series[0].markLine.data[0].xAxis;")).doubleValue(), 1e-9, "the threshold marked on the histogram");
            var explanation = results.explanations(id, "layer2").stream().filter(e -> e.unit() == row.unit()).findFirst().orElseThrow();
            assertEquals(explanation.formula(), driver.findElement(By.id("unit-formula")).getText());
            assertTrue(driver.findElement(By.id("unit-formula-held-out")).getText().startsWith(
                    "held-out IoU " + String.format(java.util.Locale.ROOT, "%.3f", explanation.heldOutIou())));
            String causal = driver.findElement(By.id("unit-causal")).getText();
            assertTrue(causal.matches("(?s)tree: rank \\d+ of 128 units by IoU with tree.*"), causal);
            String pg = driver.findElement(By.id("unit-playground")).getAttribute("href");
            assertTrue(pg.contains("bundle=outdoor-base-s100") && pg.contains("layer=layer2") && pg.contains("unit=" + best), pg);
            assertNoRawJava(driver, "unit page");
            saveScreenshot(driver, "unit-page.png");
            js.executeScript("document.getElementById('unit-histogram').scrollIntoView()");
            saveScreenshot(driver, "unit-page-histogram.png");
            // click to zoom
            js.executeScript("document.getElementById('unit-top-0').scrollIntoView({block: 'center'}); document.getElementById('unit-top-0').click();");
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('unit-zoom-image'); return !!(i && i.complete && i.naturalWidth > 0"
                    + " && i.getBoundingClientRect().width >= 512);"));
            saveScreenshot(driver, "unit-page-zoom.png");

            // a warm platform: the unit page opened afresh, time to its first image on the browser's clock
            unitPageTiming(driver, js, unitUrl, id, best, "unit-page-timing.txt");

            // from the unit table: each row's unit number links to its page
            driver.get("http://127.0.0.1:" + port + "/experiments/" + id);
            wait.until(d -> js.executeScript(FIRST_CELL, "units", 0) != null);
            String href = (String) js.executeScript("return document.querySelector('#units a.unit-link').href;");
            assertTrue(href.matches(".*/experiments/" + id + "/layers/layer2/units/\\d+$"), href);
            js.executeScript("document.querySelector('#units a.unit-link').click();");
            wait.until(d -> d.getCurrentUrl().equals(href));
            wait.until(d -> js.executeScript(FIRST_TILE) != null);

            // the shareable report: downloaded from the experiment page, opened from disk, offline, with its images
            driver.get("http://127.0.0.1:" + port + "/experiments/" + id);
            wait.until(d -> !d.findElements(By.id("download-report")).isEmpty());
            String fetchBytes = "const done = arguments[arguments.length - 1];"
                    + " fetch(document.getElementById('download-report').href).then(r => r.text()).then(done, e => done('ERROR ' + e));";
            String reportHtml = (String) driver.executeAsyncScript(fetchBytes);
            assertTrue(reportHtml.startsWith("<!DOCTYPE html>"), reportHtml.substring(0, Math.min(200, reportHtml.length())));
            assertTrue(!java.util.regex.Pattern.compile("(src|href)=\"(https?:|/)").matcher(reportHtml).find(), "nothing loaded from elsewhere");
            Path reportFile = Path.of("target", "screenshots", "report-" + id + ".html").toAbsolutePath();
            Files.writeString(reportFile, reportHtml);
            driver.get(reportFile.toUri().toString());
            wait.until(d -> (Boolean) js.executeScript("return document.readyState === 'complete';"));
            @SuppressWarnings("unchecked")
            List<Long> widths = (List<Long>) js.executeScript("return [...document.querySelectorAll('img.report-unit-image')].map(i => i.complete ? i.naturalWidth : -1);");
            assertEquals(24, widths.size(), "the gallery's 24 best units: " + widths);
            assertTrue(widths.stream().allMatch(w -> w == 4L * 64), "every gallery image decoded from the file itself: " + widths);
            String reportText = (String) js.executeScript("return document.body.innerText;");
            String hash = experiments.find(id).map(x -> x.paramsJson()).map(j -> j.replaceAll("(?s).*\"bundleHash\"\\s*:\\s*\"([0-9a-f]{64})\".*", "$1")).orElseThrow();
            assertTrue(hash.matches("[0-9a-f]{64}") && reportText.contains(hash), "the bundle hash in full: " + hash);
            assertTrue(reportText.contains("interpretable with control") && reportText.contains("Compositional explanations")
                    && reportText.contains("Ablation") && driver.findElements(By.cssSelector("svg.report-figure")).size() == 1
                    && driver.findElements(By.cssSelector("table.report-units tr")).size() == 129, "figure, counts, unit table, explanations, ablation");
            assertTrue(!reportText.contains("/models/bundles") && !reportText.contains("bundlePath"), "no server paths in a shared report");
            saveScreenshot(driver, "report.png");
            js.executeScript("document.querySelector('.gallery').scrollIntoView()");
            saveScreenshot(driver, "report-gallery.png");

            // open in playground: its bundle, layer and the unit chosen
            driver.get(pg);
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('paint-image'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertEquals(best, js.executeScript("return document.querySelector('#pg-unit-list input').value;"));
            assertEquals("outdoor-base-s100", js.executeScript("return document.querySelector('#pg-bundle input').value;"));
            driver.findElement(By.id("pg-apply")).click();
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('pg-result'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertTrue(driver.findElement(By.id("pg-outcome")).getText().startsWith("remove 1 '"), driver.findElement(By.id("pg-outcome")).getText());
            saveScreenshot(driver, "playground-from-unit.png");
        } catch (Throwable t) {
            saveScreenshot(driver, "failure-unit.png");
            System.out.println("FAILED at " + driver.getCurrentUrl() + "; page text:\n" + driver.executeScript("return document.body.innerText;"));
            throw t;
        } finally {
            driver.quit();
        }
    }

    /**
     * Units matched across variants: two variants of one dataset (outdoor-base-s100, outdoor-mbstd-s100) on layer2 show their units
     * paired by concept profile, most similar first, each with its label and controlled decision, and the concepts only one
     * has; a run on another dataset (indoor-base-s100) says the matching does not apply. Screenshot: compare-unit-matches.png.
     */
    @Test
    void unitsMatchedAcrossVariantsOfOneDataset() throws Exception {
        List<String> steps = List.of("dissect");
        long a = experiments.launch(new LaunchRequest("match base", "outdoor-base-s100", List.of("layer2"), 40, 21L, 20, null, null, null, 1, List.of("match"), steps), "test");
        long b = experiments.launch(new LaunchRequest("match mbstd", "outdoor-mbstd-s100", List.of("layer2"), 40, 21L, 20, null, null, null, 1, List.of("match"), steps), "test");
        long c = experiments.launch(new LaunchRequest("match indoor", "indoor-base-s100", List.of("layer2"), 40, 21L, 20, null, null, null, 1, List.of("match"), steps), "test");
        long deadline = System.nanoTime() + Duration.ofSeconds(900).toNanos();
        for (long x : List.of(a, b, c)) {
            while (!experimentRows.get(x).orElseThrow().status().equals("SUCCEEDED")) {
                assertTrue(System.nanoTime() < deadline && !experimentRows.get(x).orElseThrow().status().equals("FAILED"),
                        "experiment " + x + ": " + experimentRows.get(x).orElseThrow().status());
                Thread.sleep(500);
            }
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900");
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build(), o);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120));
            JavascriptExecutor js = driver;
            signIn(driver, wait, "admin", "browser-test-password");
            driver.get("http://127.0.0.1:" + port + "/compare?ids=" + a + "," + b + "," + c);
            wait.until(x -> js.executeScript(ROW_CELLS, "unit-pairs-" + b, 0) != null);
            var unitsA = results.units(a, "layer2");
            var unitsB = results.units(b, "layer2");
            String block = driver.findElement(By.id("unit-match-" + b)).getText();
            int n = Math.min(unitsA.size(), unitsB.size());
            assertTrue(block.contains(n + " pairs over 12 classes (sky, cloud, "), "every unit of the smaller side paired, over the 12 classes: " + block);
            // the pairs: unit, label and decision of each side, similarity; most similar first
            @SuppressWarnings("unchecked")
            List<List<String>> rows = (List<List<String>>) js.executeScript("""
                    const g = document.getElementById(arguments[0]);
                    return [...g.shadowRoot.querySelectorAll('#items tr')].filter(r => r.index !== undefined && !r.hidden).sort((x, y) => x.index - y.index)
                      .map(r => [...r.querySelectorAll('td slot')].map(s => s.assignedElements()[0]).map(x => x ? x.textContent.trim() : ''));""",
                    "unit-pairs-" + b);
            assertTrue(rows.size() >= 5, "pairs on screen: " + rows);
            double last = 1;
            for (List<String> r : rows) {
                var ua = unitsA.stream().filter(u -> u.unit() == Integer.parseInt(r.get(0))).findFirst().orElseThrow();
                var ub = unitsB.stream().filter(u -> u.unit() == Integer.parseInt(r.get(2))).findFirst().orElseThrow();
                String da = Boolean.TRUE.equals(ua.interpretableControlled()) ? "interpretable with control" : "not interpretable with control";
                String db = Boolean.TRUE.equals(ub.interpretableControlled()) ? "interpretable with control" : "not interpretable with control";
                assertEquals(ua.labelName() + " " + da, r.get(1).replaceAll("\\s+", " "), "unit " + ua.unit() + " of #" + a + ": " + r);
                assertEquals(ub.labelName() + " " + db, r.get(3).replaceAll("\\s+", " "), "unit " + ub.unit() + " of #" + b + ": " + r);
                assertTrue(r.get(4).matches("[01]\\.\\d{3}"), "similarity: " + r);
                double sim = Double.parseDouble(r.get(4));
                assertTrue(sim <= last, "most similar first: " + rows);
                last = sim;
            }
            // the concepts one has units with control for and the other lacks, from the units themselves
            java.util.Set<String> ca = new java.util.TreeSet<>();
            java.util.Set<String> cb = new java.util.TreeSet<>();
            unitsA.stream().filter(u -> Boolean.TRUE.equals(u.interpretableControlled())).forEach(u -> ca.add(u.labelName()));
            unitsB.stream().filter(u -> Boolean.TRUE.equals(u.interpretableControlled())).forEach(u -> cb.add(u.labelName()));
            String onlyA = driver.findElement(By.cssSelector("#unit-match-" + b + " .only-a")).getText();
            String onlyB = driver.findElement(By.cssSelector("#unit-match-" + b + " .only-b")).getText();
            for (String k : ca) {
                assertEquals(!cb.contains(k), onlyA.contains(": " + k + " (") || onlyA.contains(", " + k + " ("), k + ": " + onlyA + " / " + ca + " vs " + cb);
            }
            for (String k : cb) {
                assertEquals(!ca.contains(k), onlyB.contains(": " + k + " (") || onlyB.contains(", " + k + " ("), k + ": " + onlyB + " / " + ca + " vs " + cb);
            }
            assertEquals(ca.stream().allMatch(cb::contains), onlyA.endsWith(": none"), onlyA);
            // another dataset: not matched, with the reason
            String other = driver.findElement(By.id("unit-match-" + c)).getText();
            assertTrue(other.contains("Not applicable: another dataset (outdoor vs indoor)"), other);
            assertTrue(driver.findElements(By.id("unit-pairs-" + c)).isEmpty(), "no pairs across datasets");
            for (String grid : List.of("compare-table", "seed-groups", "unit-pairs-" + b)) {
                assertColumnsInLine(js, grid);
            }
            assertNoRawJava(driver, "units matched");
            js.executeScript("document.getElementById('unit-matches').scrollIntoView()");
            saveScreenshot(driver, "compare-unit-matches.png");
            js.executeScript("document.getElementById('compare-table').scrollIntoView()");
            saveScreenshot(driver, "compare-unit-matches-table.png");
        } finally {
            driver.quit();
        }
    }

    /**
     * Compare v3 as a user sees it: two runs that differ only by evaluation seed form a group with a mean and an interval
     * across the seeds; a run with another sample count carries a warning mark beside its sample metrics and counts,
     * with the reason under the table; a run still going says pending; what the generators cannot draw side by side and
     * on the experiment page; the many-run chart. Screenshots: compare-v3*.png, experiment-pixel-shares.png.
     */
    @Test
    void compareFlagsASampleCountDifferenceAndGroupsTwoSeeds() throws Exception {
        List<String> steps = List.of("dissect", "metrics");
        long a = experiments.launch(new LaunchRequest("seed 11", "outdoor-base-s100", List.of("layer2"), 40, 11L, 20, null, null, null, 1, List.of("v3"), steps), "test");
        long b = experiments.launch(new LaunchRequest("seed 12", "outdoor-base-s100", List.of("layer2"), 40, 12L, 20, null, null, null, 1, List.of("v3"), steps), "test");
        long c = experiments.launch(new LaunchRequest("60 samples", "outdoor-base-s100", List.of("layer2"), 60, 11L, 20, null, null, null, 1, List.of("v3"), steps), "test");
        long deadline = System.nanoTime() + Duration.ofSeconds(900).toNanos();
        for (long x : List.of(a, b, c)) {
            while (!experimentRows.get(x).orElseThrow().status().equals("SUCCEEDED")) {
                assertTrue(System.nanoTime() < deadline && !experimentRows.get(x).orElseThrow().status().equals("FAILED"),
                        "experiment " + x + ": " + experimentRows.get(x).orElseThrow().status());
                Thread.sleep(500);
            }
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900");
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build(), o);
        long d = -1;
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120));
            JavascriptExecutor js = driver;
            signIn(driver, wait, "admin", "browser-test-password");
            // still going while the page is open: a dissection of 2,000 images launched just now
            d = experiments.launch(new LaunchRequest("still going", "outdoor-base-s100", List.of("layer2"), 2000, 13L, 20, null, null, null, 1, List.of("v3"), steps), "test");
            driver.get("http://127.0.0.1:" + port + "/compare?ids=" + a + "," + b + "," + c + "," + d);
            wait.until(x -> js.executeScript(ROW_CELLS, "compare-table", 3) != null);
            wait.until(x -> "true".equals(x.findElement(By.id("interval-chart")).getAttribute("data-rendered")));
            assertTrue(!"SUCCEEDED".equals(experimentRows.get(d).orElseThrow().status()), "the long run is still going");
            @SuppressWarnings("unchecked")
            List<String> pending = (List<String>) js.executeScript(ROW_CELLS, "compare-table", 3);
            assertTrue(pending.stream().filter(x -> x.replace("\u26a0", "").equals("pending")).count() >= 5, "a run still going says pending, not 0: " + pending);
            // no cell of the variant table or the seed groups cut short ("pe…"), and both fit the 1200 px window
            for (String grid : List.of("compare-table", "seed-groups")) {
                @SuppressWarnings("unchecked")
                List<String> cut = (List<String>) js.executeScript("return [...document.querySelectorAll('#' + arguments[0] + ' vaadin-grid-cell-content')]"
                        + ".filter(c => c.offsetParent && c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim());", grid);
                assertEquals(List.of(), cut, grid + ": cells cut short");
                @SuppressWarnings("unchecked")
                List<Long> w = (List<Long>) js.executeScript("const t = document.getElementById(arguments[0]).shadowRoot.getElementById('table');"
                        + " return [t.scrollWidth, t.clientWidth];", grid);
                assertTrue(w.get(0) <= w.get(1), grid + " fits the window, no horizontal scrolling (content, visible): " + w);
                assertColumnsInLine(js, grid);
            }
            // the interval chart's axis labels inside its boxes (they ran off its left and bottom edges)
            assertEquals(List.of(true, true), js.executeScript("return echarts.getInstanceByDom(document.getElementById('interval-chart')).getOption()"
                    + ".grid.map(g => g.containLabel);"));
            // units matched across variants: a pending run is not matched, and says why
            String pendingMatch = driver.findElement(By.id("unit-match-" + d)).getText();
            assertTrue(pendingMatch.contains("Not applicable: #" + d + "'s dissection of layer2 is still pending"), pendingMatch);
            // the sample-count difference: a mark beside the sample metrics and counts of every run, and the reason beneath
            @SuppressWarnings("unchecked")
            List<String> marks = (List<String>) js.executeScript("return [...document.querySelectorAll('#compare-table .meaning-flag')].map(m => m.title);");
            assertTrue(marks.size() >= 4 * 4 && marks.stream().anyMatch(t -> t.contains("metrics samples differ (40 vs 60 vs 2000)")),
                    "marks beside the flagged numbers: " + marks.size() + " " + (marks.isEmpty() ? "" : marks.get(0)));
            String notes = driver.findElement(By.id("meaning-flags")).getText();
            assertTrue(notes.contains("sample metrics: metrics samples differ") && notes.contains("FD") && notes.contains("#" + c + " 60")
                    && notes.contains("unit counts: samples differ"), notes);
            // two seeds, one group: a mean with its interval across the seeds, n = 2
            @SuppressWarnings("unchecked")
            List<List<String>> groupRows = (List<List<String>>) js.executeScript("""
                    const g = document.getElementById('seed-groups');
                    return [...g.shadowRoot.querySelectorAll('#items tr')].filter(r => r.index !== undefined && !r.hidden)
                      .map(r => [...r.querySelectorAll('td slot')].map(s => s.assignedElements()[0]).map(x => x ? x.textContent.trim() : ''));""");
            List<String> pair = groupRows.stream().filter(r -> r.get(1).equals("#" + a + " #" + b)).findFirst().orElseThrow(() -> new AssertionError(groupRows.toString()));
            assertEquals("seed 11, seed 12", pair.get(2).replace(" · training seed 100", ""), pair.toString());
            assertTrue(pair.get(3).matches("-?\\d+\\.\\d \\(n = 2\\) \\[-?\\d+\\.\\d, -?\\d+\\.\\d\\]"), "controlled count, mean (n = 2) [interval]: " + pair);
            assertTrue(pair.get(5).matches(".*\\(n = 2\\) \\[.*\\]"), "domain FD across the seeds: " + pair);
            assertTrue(groupRows.stream().anyMatch(r -> r.get(1).equals("#" + c) && r.get(3).contains("(1 run)")), "60 samples is a group of its own: " + groupRows);
            // error bars: the group's interval and each run's bootstrap interval are drawn
            @SuppressWarnings("unchecked")
            List<Object> bars = (List<Object>) js.executeScript("const o = echarts.getInstanceByDom(document.getElementById('interval-chart')).getOption();"
                    + " return o.series.filter(s => s.type === 'candlestick').map(s => s.data.filter(v => Array.isArray(v)).length);");
            assertTrue(((Number) bars.get(0)).intValue() >= 4 && ((Number) bars.get(1)).intValue() >= 4, "error bars (counts, domain FD): " + bars);
            // the step parameters are filled, and differ
            @SuppressWarnings("unchecked")
            List<String> paramNames = (List<String>) js.executeScript("return [...document.querySelectorAll('#param-diff vaadin-grid-cell-content')]"
                    + ".map(c => c.textContent.trim()).filter(t => t.startsWith('\u2260 '));");
            assertTrue(paramNames.contains("\u2260 step params · metrics · samples"), paramNames.toString());
            // what the generators cannot draw, side by side: generated / real with intervals per run
            @SuppressWarnings("unchecked")
            List<String> shareRow = (List<String>) wait.until(x -> js.executeScript(ROW_CELLS, "compare-pixel-shares", 0));
            // (a schema 2 bundle's real share is the manifest's, over its 2,000 real images: stated without an interval)
            assertTrue(shareRow.get(1).matches("\\d\\.\\d{3} / \\d\\.\\d{3} \\[\\d\\.\\d{3}, \\d\\.\\d{3}\\] / (\\[\\d\\.\\d{3}, \\d\\.\\d{3}\\]|no interval)"),
                    "generated / real with intervals: " + shareRow);
            assertEquals("pending", shareRow.get(4), shareRow.toString());
            // best units only among controlled-interpretable units
            @SuppressWarnings("unchecked")
            List<String> best = (List<String>) js.executeScript("return [...document.querySelectorAll('img.best-unit')].map(i => i.title);");
            for (String t : best) {
                String[] parts = t.split("#|unit |, IoU ");
                var u = results.units(Long.parseLong(parts[1].trim()), "layer2").stream().filter(r -> r.unit() == Integer.parseInt(parts[2].trim())).findFirst().orElseThrow();
                assertTrue(Boolean.TRUE.equals(u.interpretableControlled()), "best unit passes the controlled decision: " + t);
            }
            assertNoRawJava(driver, "compare v3");
            js.executeScript("document.getElementById('compare-table').scrollIntoView()");
            saveScreenshot(driver, "compare-v3-table.png");
            js.executeScript("document.getElementById('seed-groups').scrollIntoView()");
            saveScreenshot(driver, "compare-v3-groups.png");
            js.executeScript("document.getElementById('interval-chart').scrollIntoView()");
            saveScreenshot(driver, "compare-v3-intervals.png");
            js.executeScript("document.getElementById('compare-pixel-shares').scrollIntoView()");
            saveScreenshot(driver, "compare-v3-pixel-shares.png");
            // the many-run view: every finished run's layer as a line over dataset, variant, layer, seeds and the numbers
            wait.until(x -> "true".equals(x.findElement(By.id("many-runs")).getAttribute("data-rendered")));
            Long lines = (Long) js.executeScript("const o = echarts.getInstanceByDom(document.getElementById('many-runs')).getOption();"
                    + " return o.series.reduce((n, s) => n + s.data.length, 0);");
            assertTrue(lines >= 3, "a line per finished run: " + lines);
            js.executeScript("document.getElementById('many-runs').scrollIntoView()");
            saveScreenshot(driver, "compare-v3-many-runs.png");

            // the experiment page: a section of its own, with the classes the generator draws least first
            driver.get("http://127.0.0.1:" + port + "/experiments/" + a);
            wait.until(x -> "true".equals(x.findElement(By.id("pixel-share-chart")).getAttribute("data-rendered")));
            @SuppressWarnings("unchecked")
            List<String> first = (List<String>) wait.until(x -> js.executeScript(ROW_CELLS, "pixel-share-table", 0));
            assertTrue(first.get(1).matches("\\d\\.\\d{3} \\[\\d\\.\\d{3}, \\d\\.\\d{3}\\]"), "generated share with interval: " + first);
            js.executeScript("document.getElementById('pixel-shares').scrollIntoView()");
            saveScreenshot(driver, "experiment-pixel-shares.png");
        } finally {
            driver.quit();
            if (d > 0 && !experimentRows.get(d).orElseThrow().status().equals("SUCCEEDED")) {
                experiments.cancel(d);
            }
        }
    }

    /** Cells of grid {@code arguments[0]} (header and rows) whose text is cut: an element that hides its overflow and is narrower than its text. */
    /**
     * A warm platform: the unit page opened afresh three times, the time to its first image on the browser's clock each time,
     * printed and written to target/screenshots/{@code file}.
     */
    private static void unitPageTiming(org.openqa.selenium.WebDriver driver, JavascriptExecutor js, String unitUrl, long experiment, Object unit, String file)
            throws java.io.IOException {
        double[] ms = new double[3];
        for (int k = 0; k < ms.length; k++) {
            driver.get("about:blank");
            driver.get(unitUrl);
            ms[k] = ((Number) new WebDriverWait(driver, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(10))
                    .until(d -> js.executeScript(FIRST_TILE))).doubleValue();
        }
        String timing = String.format(java.util.Locale.ROOT, "unit page (experiment %d, layer2, unit %s), first image %.0f, %.0f, %.0f ms after"
                + " the page was opened (warm); load average %.2f%n", experiment, unit, ms[0], ms[1], ms[2],
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.print(timing);
        Files.createDirectories(Path.of("target", "screenshots"));
        Files.writeString(Path.of("target", "screenshots", file), timing);
    }

    static final String CUT_CELLS = """
            const g = document.getElementById(arguments[0]);
            const cut = [];
            for (const c of g.querySelectorAll('vaadin-grid-cell-content')) {
              if (!c.offsetParent || !c.textContent.trim()) continue;
              const els = [c, ...c.querySelectorAll('*')];
              for (const s of c.querySelectorAll('vaadin-grid-sorter')) { const p = s.shadowRoot && s.shadowRoot.querySelector('[part=content]'); if (p) els.push(p); }
              for (const e of els) {
                const st = getComputedStyle(e);
                if ((st.overflowX === 'hidden' || st.overflow === 'hidden' || st.textOverflow === 'ellipsis') && e.scrollWidth > e.clientWidth + 1) {
                  cut.push(c.textContent.trim()); break;
                }
              }
            }
            return cut;""";

    /** How many rows grid {@code arguments[0]} shows. */
    static final String ROWS_SHOWN = """
            const g = document.getElementById(arguments[0]);
            return [...g.shadowRoot.querySelectorAll('#items tr')].filter(r => !r.hidden && r.index !== undefined && r.offsetHeight > 0).length;""";

    /** The header texts of grid {@code arguments[0]}, left to right. */
    static final String HEADERS = """
            const g = document.getElementById(arguments[0]);
            return [...g.shadowRoot.querySelectorAll('#header tr:not([hidden]) th')].map(th => {
              const s = th.querySelector('slot'); const c = s ? s.assignedElements()[0] : null; return c ? c.textContent.trim() : ''; });""";

    /** Where the text {@code arguments[1]} of the ECharts chart {@code arguments[0]} is drawn, and the chart's size: [x, y, w, h, W, H]. */
    static final String CHART_TEXT_BOX = """
            const c = echarts.getInstanceByDom(document.getElementById(arguments[0]));
            const t = c.getZr().storage.getDisplayList(true).find(e => e.style && e.style.text === arguments[1]);
            if (!t) return null;
            const r = t.getBoundingRect().clone();
            const m = t.getComputedTransform();
            if (m) r.applyTransform(m);
            return [r.x, r.y, r.width, r.height, c.getWidth(), c.getHeight()];""";

    /**
     * The smaller items of Dashboard v3 as a user sees them: the experiments grid's layers, samples and result columns,
     * filters carried in the address (shareable, kept on reload), the message when nothing matches, Clone opening the
     * launch form prefilled (and launching the same parameters); a junk upload refused without a tick; the playground's
     * after-image differing from its before-image in pixels, with the change drawn, old results cleared with the image,
     * a negative sample refused on its field, and the bundle you came from; the unit table and the per-class and
     * seed-group layouts without cut text; the unit page's time to its first image. Screenshots: v3-*.png.
     */
    @Test
    void gridFiltersCloneUploadPlaygroundAndLayoutsAsAUserSeesThem() throws Exception {
        List<String> steps = List.of("dissect", "metrics");
        long a = experiments.launch(new LaunchRequest("grid seed 21", "outdoor-base-s100", List.of("layer2"), 40, 21L, 20, null, null, null, 1,
                List.of("ui3"), steps), "test");
        long b = experiments.launch(new LaunchRequest("grid seed 22", "outdoor-base-s100", List.of("layer2"), 40, 22L, 20, null, null, null, 1,
                List.of("ui3"), steps), "test");
        long deadline = System.nanoTime() + Duration.ofSeconds(900).toNanos();
        for (long x : List.of(a, b)) {
            while (!experimentRows.get(x).orElseThrow().status().equals("SUCCEEDED")) {
                assertTrue(System.nanoTime() < deadline && !experimentRows.get(x).orElseThrow().status().equals("FAILED"),
                        "experiment " + x + ": " + experimentRows.get(x).orElseThrow().status());
                Thread.sleep(500);
            }
        }
        ChromeDriver driver = chromium();
        long cloneId = -1;
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            JavascriptExecutor js = driver;
            signIn(driver, wait, "admin", "browser-test-password");
            String base = "http://127.0.0.1:" + port;

            // the grid: layers, samples and the result (units interpretable with control) of each run
            driver.get(base + "/");
            wait.until(d -> js.executeScript(FIRST_CELL, "experiments", 0) != null);
            @SuppressWarnings("unchecked")
            List<String> headers = (List<String>) js.executeScript(HEADERS, "experiments");
            int layersCol = headers.indexOf("layers");
            int samplesCol = headers.indexOf("samples");
            int resultCol = headers.indexOf("interpretable with control");
            assertTrue(layersCol > 0 && samplesCol > 0 && resultCol > 0, "the new columns: " + headers);
            int controlled = results.interpretableCounts(a, "layer2").stream().filter(c -> c.rule().equals("controlled") && c.category().equals("total"))
                    .findFirst().orElseThrow().units();
            @SuppressWarnings("unchecked")
            List<String> rowA = wait.until(d -> {
                for (int r = 0; r < 6; r++) {
                    List<String> cells = (List<String>) js.executeScript(ROW_CELLS, "experiments", r);
                    if (cells != null && !cells.isEmpty() && cells.get(0).equals(String.valueOf(a))) {
                        return cells;
                    }
                }
                return null;
            });
            assertEquals(List.of("layer2", "40", String.valueOf(controlled)), List.of(rowA.get(layersCol), rowA.get(samplesCol), rowA.get(resultCol)),
                    "layers, samples, result of #" + a + ": " + rowA);
            assertEquals(List.of(), js.executeScript(CUT_CELLS, "experiments"), "no header or cell of the grid cut short");
            @SuppressWarnings("unchecked")
            List<Long> gridWidth = (List<Long>) js.executeScript("const t = document.getElementById('experiments').shadowRoot.getElementById('table');"
                    + " return [t.scrollWidth, t.clientWidth];");
            assertTrue(gridWidth.get(0) <= gridWidth.get(1), "every column, Clone included, in the 1200 px window (content, visible): " + gridWidth);
            saveScreenshot(driver, "v3-experiments-grid.png");

            // filters in the address: typed, the address follows; opened from the address (a shared link, a reload), the
            // filters and the list are as they were
            var searchInput = driver.findElement(By.cssSelector("vaadin-text-field#search > input"));
            searchInput.sendKeys("grid seed 2");
            wait.until(d -> "grid seed 2".equals(js.executeScript("return new URL(location.href).searchParams.get('search');")));
            driver.get(base + "/?search=" + java.net.URLEncoder.encode("grid seed 21", java.nio.charset.StandardCharsets.UTF_8) + "&status=SUCCEEDED");
            wait.until(d -> "SUCCEEDED".equals(js.executeScript("return document.querySelector('#status-filter input')?.value;")));
            assertEquals("grid seed 21", js.executeScript("return document.getElementById('search').value;"), "the search from the address");
            wait.until(d -> String.valueOf(a).equals(js.executeScript(FIRST_CELL, "experiments", 0)) && Long.valueOf(1).equals(js.executeScript(ROWS_SHOWN, "experiments")));
            saveScreenshot(driver, "v3-experiments-filtered.png");
            // nothing matches: the grid says so, and offers to clear the filters
            searchInput = driver.findElement(By.cssSelector("vaadin-text-field#search > input"));
            searchInput.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "no such run zzz");
            wait.until(d -> "no such run zzz".equals(js.executeScript("return new URL(location.href).searchParams.get('search');")));
            assertEquals("SUCCEEDED", js.executeScript("return new URL(location.href).searchParams.get('status');"), "both filters in the address");
            wait.until(d -> (Boolean) js.executeScript("const e = document.getElementById('experiments-empty'); return !!(e && e.offsetParent"
                    + " && e.getBoundingClientRect().height > 0);"));
            assertEquals("No experiment matches search 'no such run zzz', status SUCCEEDED.", driver.findElement(By.id("experiments-empty-text")).getText());
            assertEquals(0L, js.executeScript(ROWS_SHOWN, "experiments"), "no rows");
            saveScreenshot(driver, "v3-experiments-empty.png");
            driver.findElement(By.id("clear-filters")).click();
            wait.until(d -> (Long) js.executeScript(ROWS_SHOWN, "experiments") >= 2);
            wait.until(d -> "".equals(js.executeScript("return location.search;")));

            // Clone: the launch form with #a's parameters (not #a's page)
            wait.until(d -> (Boolean) js.executeScript("return !!document.querySelector('vaadin-button.clone[data-id=\"' + arguments[0] + '\"]');", a));
            js.executeScript("document.querySelector('vaadin-button.clone[data-id=\"' + arguments[0] + '\"]').click();", a);
            wait.until(d -> d.getCurrentUrl().endsWith("/launch?clone=" + a));
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('#layers vaadin-checkbox')].some(c => c.checked);"));
            assertEquals("grid seed 21 (copy)", js.executeScript("return document.getElementById('name').value;"));
            assertEquals("outdoor-base-s100 (outdoor, base)", js.executeScript("return document.querySelector('#bundle input').value;"));
            assertEquals(List.of("layer2"), js.executeScript("return [...document.querySelectorAll('#layers vaadin-checkbox')].filter(c => c.checked).map(c => c.label);"));
            assertEquals(steps, js.executeScript("return [...document.querySelectorAll('#steps vaadin-checkbox')].filter(c => c.checked).map(c => c.label);"));
            assertEquals(List.of("40", "21", "1", "ui3"), js.executeScript("return ['samples', 'seed', 'shards', 'launch-tags'].map(i => document.getElementById(i).value);"));
            String note = driver.findElement(By.id("clone-note")).getText();
            assertTrue(note.startsWith("A copy of #" + a + " grid seed 21.") && note.contains("threshold pass on 20 samples"), note);
            saveScreenshot(driver, "v3-launch-clone.png");
            driver.findElement(By.id("launch")).click();
            wait.until(d -> d.getCurrentUrl().matches(".*/experiments/\\d+$"));
            cloneId = Long.parseLong(driver.getCurrentUrl().replaceAll(".*/", ""));
            JsonNode pa = new ObjectMapper().readTree(experimentRows.get(a).orElseThrow().paramsJson());
            JsonNode pc = new ObjectMapper().readTree(experimentRows.get(cloneId).orElseThrow().paramsJson());
            for (String k : List.of("bundleHash", "layers", "samples", "seed", "thresholdSamples", "method", "quantile", "topK", "shards", "steps")) {
                assertEquals(pa.get(k), pc.get(k), k + " of the clone #" + cloneId + " as of #" + a);
            }
            // (the clone reuses #a's stored results, so it may well have finished already; if not, it is cancelled at the end)

            // a junk upload: refused, with the reason under the upload, and the file never ticked as done
            driver.get(base + "/models");
            wait.until(d -> !d.findElements(By.id("bundle-upload")).isEmpty());
            js.executeScript("""
                    window.__ticks = 0;
                    new MutationObserver(ms => ms.forEach(m => { if (m.target.hasAttribute && m.target.hasAttribute('complete')) window.__ticks++; }))
                      .observe(document.getElementById('bundle-upload'), {subtree: true, attributes: true, attributeFilter: ['complete']});
                    const bytes = new Uint8Array(4096); for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
                    document.getElementById('bundle-upload')._addFiles([new File([bytes], 'junk.zip', {type: 'application/zip'})]);""");
            wait.until(d -> d.findElements(By.id("upload-refusal")).stream().anyMatch(org.openqa.selenium.WebElement::isDisplayed));
            wait.until(d -> (Boolean) js.executeScript("return [...document.querySelectorAll('vaadin-upload-file')].some(f => f.hasAttribute('error'));"));
            Thread.sleep(1000); // nothing changes it afterwards
            String refusal = driver.findElement(By.id("upload-refusal")).getText();
            assertTrue(refusal.startsWith("refused junk.zip: "), refusal);
            @SuppressWarnings("unchecked")
            List<List<Object>> files = (List<List<Object>>) js.executeScript("return [...document.querySelectorAll('vaadin-upload-file')].map(f => [f.hasAttribute('complete'),"
                    + " f.shadowRoot.querySelector('[part=done-icon]').hidden, f.errorMessage]);");
            assertEquals(1, files.size(), files.toString());
            assertEquals(false, files.get(0).get(0), "not complete: " + files);
            assertEquals(true, files.get(0).get(1), "no tick: " + files);
            assertTrue(refusal.endsWith((String) files.get(0).get(2)), "the file's row says the same refusal: " + files + " / " + refusal);
            assertEquals(0L, js.executeScript("return window.__ticks;"), "no tick, not even for a moment");
            assertEquals(0L, js.executeScript("return document.querySelectorAll('vaadin-notification-card').length;"), "no pop-up");
            saveScreenshot(driver, "v3-upload-refused.png");

            // the unit table: no header ("interpre…") or interval ("[0.506, 0…") cut short
            driver.get(base + "/experiments/" + a);
            wait.until(d -> js.executeScript(FIRST_CELL, "units", 0) != null);
            assertEquals(List.of(), js.executeScript(CUT_CELLS, "units"), "unit table cells and headers cut short");
            @SuppressWarnings("unchecked")
            List<String> unitRow = (List<String>) js.executeScript(ROW_CELLS, "units", 0);
            assertTrue(unitRow.stream().anyMatch(c -> c.matches("\\[\\d\\.\\d{3}, \\d\\.\\d{3}\\]")), "an interval in full: " + unitRow);
            js.executeScript("document.getElementById('units').scrollIntoView()");
            saveScreenshot(driver, "v3-unit-table.png");
            // what the generator cannot draw: the per-class chart's axis name inside the chart
            wait.until(d -> "true".equals(d.findElement(By.id("pixel-share-chart")).getAttribute("data-rendered")));
            @SuppressWarnings("unchecked")
            List<Number> shareName = (List<Number>) js.executeScript(CHART_TEXT_BOX, "pixel-share-chart", "share of pixels (95% interval)");
            assertInside(shareName, "pixel share chart's axis name");

            // the playground opens on the bundle of the page you came from
            driver.get(base + "/playground");
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('paint-image'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertEquals("outdoor-base-s100", js.executeScript("return document.querySelector('#pg-bundle input').value;"), "the bundle of #" + a);
            // an edit: the after-image differs from the before-image in pixels, and the change is drawn
            driver.get(base + "/playground?bundle=outdoor-base-s100&layer=layer2&class=tree&sample=3");
            wait.until(d -> (Boolean) js.executeScript("const p = document.getElementById('paint'); return !!(p && p.paintCells);"));
            js.executeScript("document.getElementById('paint').paintCells('0'.repeat(32) + '1'.repeat(32));");
            Thread.sleep(300);
            driver.findElement(By.id("pg-apply")).click();
            wait.until(d -> (Boolean) js.executeScript("const i = document.getElementById('pg-result'); return !!(i && i.complete && i.naturalWidth > 0);"));
            assertEquals(List.of(800L, 528L), js.executeScript("const i = document.getElementById('pg-result'); return [i.naturalWidth, i.naturalHeight];"),
                    "before | after | change over the class maps, 256 px each");
            @SuppressWarnings("unchecked")
            List<Number> diff = (List<Number>) js.executeScript("""
                    const i = document.getElementById('pg-result');
                    const c = document.createElement('canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight;
                    const g = c.getContext('2d'); g.drawImage(i, 0, 0);
                    const before = g.getImageData(0, 0, 256, 256).data, after = g.getImageData(272, 0, 256, 256).data,
                          change = g.getImageData(544, 0, 256, 256).data;
                    let differ = 0, sum = 0, lit = 0;
                    for (let k = 0; k < before.length; k += 4) {
                      const d = Math.abs(before[k] - after[k]) + Math.abs(before[k + 1] - after[k + 1]) + Math.abs(before[k + 2] - after[k + 2]);
                      if (d > 0) differ++;
                      sum += d;
                      if (change[k] > 64 && change[k] !== 0xFF) lit++;
                    }
                    return [differ / (before.length / 4), sum / before.length * 4 / 3, lit];""");
            System.out.println("playground edit: share of pixels that differ " + diff.get(0) + ", mean |after - before| " + diff.get(1) + " levels, "
                    + diff.get(2) + " pixels lit in the change panel");
            assertTrue(diff.get(0).doubleValue() > 0.05, "the after-image differs from the before-image in pixels: " + diff);
            assertTrue(diff.get(2).longValue() > 0, "the change panel shows where: " + diff);
            String outcome = driver.findElement(By.id("pg-outcome")).getText();
            assertTrue(outcome.contains("The picture changed by ") && !outcome.contains("did not change"), outcome);
            assertTrue(driver.findElement(By.id("pg-legend")).getText().startsWith("Top: before, after, and the change"), "the panels explained");
            js.executeScript("document.getElementById('pg-result').scrollIntoView()");
            saveScreenshot(driver, "v3-playground-edit.png");
            // another image: the old result goes
            var sampleInput = driver.findElement(By.cssSelector("vaadin-integer-field#pg-sample > input"));
            sampleInput.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "4", org.openqa.selenium.Keys.TAB);
            wait.until(d -> d.findElements(By.id("pg-result")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed)
                    && d.findElements(By.id("pg-legend")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed));
            assertTrue(driver.findElement(By.id("pg-outcome")).getText().startsWith("Paint a region"), "the old outcome went with it");
            // a negative sample: refused on its field, named, inline (no pop-up), no result
            sampleInput.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "-2", org.openqa.selenium.Keys.TAB);
            wait.until(d -> "true".equals(String.valueOf(js.executeScript("return document.getElementById('pg-sample').invalid;"))));
            assertEquals("sample must be a whole number of 0 or more", js.executeScript("return document.getElementById('pg-sample').errorMessage;"));
            driver.findElement(By.id("pg-apply")).click();
            Thread.sleep(500);
            assertEquals("sample must be a whole number of 0 or more (not -2)", driver.findElement(By.id("pg-error")).getText());
            assertTrue(driver.findElements(By.id("pg-result")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed), "no result");
            assertEquals(0L, js.executeScript("return document.querySelectorAll('vaadin-notification-card').length;"), "no pop-up");
            saveScreenshot(driver, "v3-playground-refused.png");

            // compare: the per-class chart's axis name inside the chart; each seed group's "(n = 2)" and interval on one line
            driver.get(base + "/compare?ids=" + a + "," + b);
            wait.until(d -> "true".equals(d.findElement(By.id("class-chart")).getAttribute("data-rendered")));
            @SuppressWarnings("unchecked")
            List<Number> className = (List<Number>) js.executeScript(CHART_TEXT_BOX, "class-chart", "interpretable units (with control)");
            assertInside(className, "per-class chart's axis name");
            wait.until(d -> js.executeScript(ROW_CELLS, "seed-groups", 0) != null);
            @SuppressWarnings("unchecked")
            List<List<Object>> lines = (List<List<Object>>) js.executeScript("""
                    return [...document.querySelectorAll('#seed-groups .group-mean, #seed-groups .group-n, #seed-groups .ci')]
                      .filter(e => e.offsetParent && e.textContent.trim()).map(e => [e.className, e.textContent.trim(), e.getClientRects().length]);""");
            assertTrue(lines.stream().anyMatch(l -> "(n = 2)".equals(l.get(1))), "a group of two seeds: " + lines);
            assertTrue(lines.stream().allMatch(l -> ((Number) l.get(2)).longValue() == 1), "each on one line: " + lines);
            assertEquals(List.of(), js.executeScript(CUT_CELLS, "seed-groups"), "seed-group cells cut short");
            js.executeScript("document.getElementById('seed-groups').scrollIntoView()");
            saveScreenshot(driver, "v3-compare-groups.png");
            js.executeScript("document.getElementById('class-chart').scrollIntoView()");
            saveScreenshot(driver, "v3-compare-class-chart.png");

            // the unit page on a warm platform: time to its first image, opened afresh
            int best = results.units(a, "layer2").stream().max(java.util.Comparator.comparingDouble(org.ganscope.db.ResultRepository.UnitRow::iou))
                    .orElseThrow().unit();
            String unitUrl = base + "/experiments/" + a + "/layers/layer2/units/" + best;
            driver.get(unitUrl);
            wait.until(d -> js.executeScript(FIRST_TILE) != null);
            saveScreenshot(driver, "v3-unit-page.png");
            unitPageTiming(driver, js, unitUrl, a, best, "v3-unit-page-timing.txt");
        } catch (Throwable t) {
            saveScreenshot(driver, "failure-v3.png");
            System.out.println("FAILED at " + driver.getCurrentUrl() + "; page text:\n" + driver.executeScript("return document.body.innerText;"));
            throw t;
        } finally {
            driver.quit();
            if (cloneId > 0 && List.of("QUEUED", "RUNNING").contains(experimentRows.get(cloneId).orElseThrow().status())) {
                try {
                    experiments.cancel(cloneId);
                } catch (ExperimentService.Conflict finishedMeanwhile) {
                    // it finished between the look and the cancel
                }
            }
        }
    }

    /** Fails unless the text box [x, y, w, h, W, H] lies inside the W x H chart. */
    static void assertInside(List<Number> box, String what) {
        assertTrue(box != null, what + ": not drawn");
        double x = box.get(0).doubleValue(), y = box.get(1).doubleValue(), w = box.get(2).doubleValue(), h = box.get(3).doubleValue();
        assertTrue(x >= 0 && y >= 0 && x + w <= box.get(4).doubleValue() && y + h <= box.get(5).doubleValue(), what + " inside the chart: " + box);
    }
}
