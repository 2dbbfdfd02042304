package io.shipsync.page;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.shipsync.EndToEndTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page as a warehouse person uses it, in Debian's headless chromium driven by
 * its chromedriver: log in through the form, watch a dropped file drain with its ETA,
 * replay its dead letter, download its report. The whole service runs as in
 * {@link EndToEndTest}; the store sends 2 updates a second, so a file of 16 rows drains
 * for several seconds while the page (polling every 3 s) shows its ETA.
 * <p>
 * Chromium and chromedriver come from Debian ({@code .ci/run} installs them); a machine
 * without them fails here with a message saying so, rather than skipping the page's only
 * test. {@code -Dshipsync.screenshot=true} also saves the page after the flow as
 * {@code docs/status-page.png} (always to {@code target/status-page.png}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageBrowserTest extends EndToEndTest {

    static final String TOKEN = "page-admin-token-3b9e71c4";

    static final String VIEWER_TOKEN = "page-viewer-token-8d20f5aa";

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static final String HEADER = "order_id,status,tracking_url\n";

    static final Duration PATIENCE = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @TempDir
    Path browserDir;

    WebDriver browser;

    Path downloads;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 2, 50);
        registry.add("shipsync.admin.token", () -> TOKEN);
        registry.add("shipsync.admin.viewer-token", () -> VIEWER_TOKEN);
    }

    @BeforeEach
    void openBrowser() throws IOException {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
            .as("The status page test needs Debian's chromium and chromium-driver (%s, %s): "
                    + "apt-get install -y chromium chromium-driver (.ci/run installs them)", CHROMIUM, CHROMEDRIVER)
            .isTrue();
        downloads = Files.createDirectories(browserDir.resolve("downloads"));
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // headless and quiet: no sandbox (CI runs as root), nothing fetched in the
        // background,
        // a profile of its own per test so no cookie outlives it
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + browserDir.resolve("profile"), "--window-size=1280,1400");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false, "download.directory_upgrade", true));
        // the driver's path given here is what keeps Selenium Manager from looking for,
        // or
        // downloading, a driver of its own
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void a_wrong_token_is_refused_and_the_person_stays_on_the_login_page() {
        browser.get(url("/"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/login"));

        logIn("not-the-token");

        waitFor(b -> b.getCurrentUrl().contains("/login?failed"));
        assertThat(browser.getCurrentUrl()).doesNotContain("not-the-token");
        assertThat(browser.findElement(By.id("failed")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("failed")).getText()).contains("That token is not right");
        assertThat(browser.manage().getCookieNamed("shipsync_token")).isNull();
        browser.get(url("/"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/login"));
    }

    @Test
    @Order(2)
    void a_viewer_sees_dead_letters_but_no_replay_or_discard_button() throws IOException {
        UUID missing = UUID.randomUUID();
        drop("evening-dispatch.csv", HEADER + missing + ",processing,\n");

        logIn(VIEWER_TOKEN);
        WebElement letter = waitFor(b -> deadLetterCard(missing));

        assertThat(letter.getText()).contains("TribeMade refused the update");
        assertThat(letter.findElements(By.tagName("button"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("button[data-action]"))).isEmpty();
        assertThat(browser.findElement(By.id("who")).getText()).contains("viewer");
    }

    @Test
    @Order(3)
    void a_dead_letter_is_discarded_with_a_reason_using_the_keyboard_alone() throws IOException {
        UUID missing = UUID.randomUUID();
        drop("cancellations.csv", HEADER + missing + ",processing,\n");
        logIn(TOKEN);
        waitFor(b -> deadLetterCard(missing));

        WebElement discard = deadLetterCard(missing).findElement(By.cssSelector("button[data-action=discard]"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus()", discard);
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        WebElement dialog = waitFor(b -> displayed(By.id("discard-dialog")));
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("discard-reason");
        assertThat(dialog.getText()).contains("Order " + missing);
        browser.switchTo().activeElement().sendKeys("order was cancelled by phone", Keys.TAB);
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Discard");
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);

        waitFor(b -> !b.findElement(By.id("discard-dialog")).isDisplayed() && deadLetterCard(missing) == null);
        // the live region's "discarded" may already be replaced by the next poll's news:
        // the list of handled
        // dead letters is what stays
        waitFor(b -> b.findElement(By.id("handled"))
            .getDomProperty("textContent")
            .contains("order was cancelled by phone"));
    }

    @Test
    @Order(4)
    void a_warehouse_person_watches_a_file_drain_replays_its_dead_letter_and_downloads_the_report() throws Exception {
        logIn(TOKEN);
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/")).doesNotContain(TOKEN);
        Cookie cookie = browser.manage().getCookieNamed("shipsync_token");
        assertThat(cookie.isHttpOnly()).isTrue();

        List<UUID> good = IntStream.range(0, 16).mapToObj(i -> newOrder("started")).toList();
        UUID missing = UUID.randomUUID();
        drop("monday-dispatch.csv",
                HEADER + good.stream().map(order -> order + ",processing,\n").collect(Collectors.joining()) + missing
                        + ",processing,\n");

        // while it drains: the ETA from the store's real limit, 2 a second here
        WebElement eta = waitFor(b -> find(fileCard("monday-dispatch.csv"), By.className("eta")));
        assertThat(eta.getText())
            .matches("\\d+ updates? ahead at 2/s: (less than a minute|about \\d+ minutes?), done around .+");
        // then every row has its outcome, the bar says so in words
        waitFor(b -> progressOf("monday-dispatch.csv").contains("(100 %)"));
        assertThat(progressOf("monday-dispatch.csv")).isEqualTo("17 of 17 settled (100 %): 16 applied, 1 dead letter");
        assertThat(find(fileCard("monday-dispatch.csv"), By.className("eta"))).isNull();

        WebElement letter = waitFor(b -> deadLetterCard(missing));
        assertThat(letter.getText()).contains("TribeMade refused the update").contains("monday-dispatch.csv, line 18");

        platform.addOrder(STORE, missing, "started");
        letter.findElement(By.cssSelector("button[data-action=replay]")).click();

        // the live region says "replayed" at once, but the next poll may already announce
        // a store's change
        // over it: the card leaving and the row applied are what count
        waitFor(b -> deadLetterCard(missing) == null);
        waitFor(b -> progressOf("monday-dispatch.csv").equals("17 of 17 settled (100 %): 17 applied"));
        assertThat(platform.statusHistory(missing)).containsExactly("processing");

        fileCard("monday-dispatch.csv").findElement(By.linkText("Download the report")).click();
        Path report = waitFor(b -> downloaded("-monday-dispatch.result.csv"));
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        assertThat(lines).isEqualTo(read(reportOf("monday-dispatch")));
        assertThat(lines).hasSize(18).first().isEqualTo("line,order_id,status,outcome,detail");
        assertThat(reportLine(lines, 18)).startsWith("18," + missing + ",processing,dead-letter,");

        screenshotWithAFileDraining();
    }

    /**
     * The page as the README shows it: one file done, one draining with its ETA, a dead
     * letter open (its row comes first, so it is parked at once).
     */
    private void screenshotWithAFileDraining() throws IOException {
        UUID unknown = UUID.randomUUID();
        drop("tuesday-dispatch.csv", HEADER + Stream
            .concat(Stream.of(unknown.toString()), IntStream.range(0, 40).mapToObj(i -> newOrder("started").toString()))
            .map(order -> order + ",processing,\n")
            .collect(Collectors.joining()));
        waitFor(b -> find(fileCard("tuesday-dispatch.csv"), By.className("eta")) != null
                && deadLetterCard(unknown) != null);
        // the whole page, not the window: Chrome's own capture beyond the viewport
        long height = (Long) ((JavascriptExecutor) browser)
            .executeScript("return document.documentElement.scrollHeight");
        Map<String, Object> capture = ((ChromeDriver) browser).executeCdpCommand("Page.captureScreenshot",
                Map.of("captureBeyondViewport", true, "clip",
                        Map.of("x", 0, "y", 0, "width", 1280, "height", height, "scale", 1)));
        byte[] png = Base64.getDecoder().decode((String) capture.get("data"));
        Files.write(Files.createDirectories(Path.of("target")).resolve("status-page.png"), png);
        if (Boolean.getBoolean("shipsync.screenshot")) {
            Files.write(Path.of("docs", "status-page.png"), png);
        }
    }

    private void logIn(String token) {
        browser.get(url("/login"));
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        if (!token.startsWith("not-")) {
            waitFor(b -> b.getCurrentUrl().equals(url("/"))
                    && "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    /**
     * Waits until the condition gives something other than null or false; the page
     * redraws cards as they change, so an element found a moment ago may be gone.
     */
    private <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, PATIENCE).pollingEvery(Duration.ofMillis(200))
            .ignoring(StaleElementReferenceException.class)
            .until(condition);
    }

    private WebElement displayed(By by) {
        WebElement element = browser.findElement(by);
        return element.isDisplayed() ? element : null;
    }

    private static WebElement find(WebElement in, By by) {
        if (in == null) {
            return null;
        }
        List<WebElement> found = in.findElements(by);
        return found.isEmpty() ? null : found.get(0);
    }

    private WebElement fileCard(String name) {
        List<WebElement> cards = browser
            .findElements(By.xpath("//ul[@id='files']/li[.//h3[normalize-space()='" + name + "']]"));
        return cards.isEmpty() ? null : cards.get(0);
    }

    private String progressOf(String name) {
        WebElement text = find(fileCard(name), By.className("bar-text"));
        return text == null ? "" : text.getText();
    }

    private WebElement deadLetterCard(UUID order) {
        List<WebElement> cards = browser.findElements(By.cssSelector("#dead-letters li[data-order='" + order + "']"));
        return cards.isEmpty() ? null : cards.get(0);
    }

    /** The file the browser finished downloading whose name ends so, or null. */
    private Path downloaded(String ending) {
        try (Stream<Path> files = Files.list(downloads)) {
            return files.filter(file -> file.getFileName().toString().endsWith(ending)).findFirst().orElse(null);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
