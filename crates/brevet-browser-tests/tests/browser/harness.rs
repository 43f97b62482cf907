//! The browser harness: starts chromedriver on a free loopback port, opens a WebDriver session
//! on headless Chromium with a fresh profile, and offers the few actions the tests need
//! (`goto`, `fill`, `click`, `text`, `login`, ...). One browser runs at a time ([`Browser::start`]
//! waits for the previous one to close): the machine has two cores.
//!
//! Binaries: `BREVET_CHROMEDRIVER` and `BREVET_CHROMIUM` if set, else `/usr/bin/chromedriver`
//! and `/usr/bin/chromium` (Debian's `chromium-driver` and `chromium`, installed by
//! `.ci/install-browser`), else the same names on `PATH`. When they are missing the tests print
//! `SKIPPED` and pass, unless `BREVET_REQUIRE_BROWSER=1` (set by `.ci/run`), which makes them
//! fail. `BREVET_SCREENSHOTS=DIR` saves screenshots of the pages the tests look at.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::sync::{Mutex, MutexGuard};

/// How long an element may take to appear after an action (page loads, form posts).
const WAIT: Duration = Duration::from_secs(20);
/// How long chromedriver may take to listen.
const DRIVER_START: Duration = Duration::from_secs(20);

/// Held by the one running browser.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// A headless Chromium session. Dropping it ends chromedriver and the browsers it started and
/// removes the profile; [`Browser::close`] also ends the session politely first.
pub(crate) struct Browser {
    client: Option<Client>,
    driver: Child,
    profile: PathBuf,
    _turn: MutexGuard<'static, ()>,
}

fn require_browser() -> bool {
    std::env::var("BREVET_REQUIRE_BROWSER").is_ok_and(|value| value == "1")
}

/// The file `env` names if it is set (none if that file does not exist), else `default` if it
/// exists, else `name` found on `PATH`.
fn find_binary(env: &str, default: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    if Path::new(default).is_file() {
        return Some(PathBuf::from(default));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("its address").port()
}

fn wait_until_listening(port: u16, driver: &mut Child) {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    loop {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = driver.try_wait() {
            panic!("chromedriver exited before listening: {status}");
        }
        assert!(
            started.elapsed() < DRIVER_START,
            "chromedriver did not listen on {port} within {DRIVER_START:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Browser {
    /// Starts a browser, or returns `None` after printing `SKIPPED` when Chromium or
    /// chromedriver is not installed (and `BREVET_REQUIRE_BROWSER` is not 1).
    pub(crate) async fn start(test: &str) -> Option<Browser> {
        let chromedriver = find_binary(
            "BREVET_CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromedriver",
        );
        let chromium = find_binary("BREVET_CHROMIUM", "/usr/bin/chromium", "chromium");
        let (Some(chromedriver), Some(chromium)) = (chromedriver, chromium) else {
            let reason = "chromium and chromedriver are not installed (run .ci/install-browser)";
            assert!(!require_browser(), "BREVET_REQUIRE_BROWSER=1 but {reason}");
            eprintln!("SKIPPED browser test {test}: {reason}");
            return None;
        };
        let turn = ONE_AT_A_TIME.lock().await;
        let profile =
            std::env::temp_dir().join(format!("brevet-browser-{}", brevet_app::ids::new_id()));
        std::fs::create_dir_all(&profile).expect("create the browser profile directory");
        let port = free_port();
        // Its own process group, so that ending it ends the browsers it started too.
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                profile.join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", chromedriver.display()));
        wait_until_listening(port, &mut driver);
        let mut browser = Browser {
            client: None,
            driver,
            profile,
            _turn: turn,
        };
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-breakpad",
                    "--disable-crash-reporter",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", browser.profile.join("profile").display()),
                ]
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal");
        };
        let client = ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot open a Chromium session through chromedriver: {error}\nchromedriver log:\n{}",
                browser.driver_log()
            )
        });
        browser.client = Some(client);
        Some(browser)
    }

    fn driver_log(&self) -> String {
        std::fs::read_to_string(self.profile.join("chromedriver.log"))
            .map(|log| {
                log.lines()
                    .rev()
                    .take(40)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    /// The WebDriver client, for anything the helpers below do not cover.
    pub(crate) fn client(&self) -> &Client {
        self.client.as_ref().expect("a session")
    }

    /// Opens `url` and waits for it to load.
    pub(crate) async fn goto(&self, url: &str) {
        self.client()
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("cannot open {url}: {error}"));
    }

    /// Reloads the page.
    pub(crate) async fn reload(&self) {
        self.client().refresh().await.expect("reload");
    }

    /// The element matching the CSS selector, waiting for it to appear.
    pub(crate) async fn element(&self, css: &str) -> Element {
        self.client()
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no element {css:?}: {error}"))
    }

    /// Whether an element matches the selector now (no waiting).
    pub(crate) async fn exists(&self, css: &str) -> bool {
        !self
            .client()
            .find_all(Locator::Css(css))
            .await
            .expect("find elements")
            .is_empty()
    }

    /// The visible text of the element matching the selector.
    pub(crate) async fn text(&self, css: &str) -> String {
        self.element(css)
            .await
            .text()
            .await
            .unwrap_or_else(|error| panic!("no text for {css:?}: {error}"))
    }

    /// An attribute of the element matching the selector.
    pub(crate) async fn attr(&self, css: &str, attribute: &str) -> Option<String> {
        self.element(css)
            .await
            .attr(attribute)
            .await
            .unwrap_or_else(|error| panic!("no attribute {attribute} of {css:?}: {error}"))
    }

    /// Types `text` into the field matching the selector (emptied first), as a person would.
    pub(crate) async fn fill(&self, css: &str, text: &str) {
        let field = self.element(css).await;
        field.clear().await.expect("clear the field");
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("cannot type into {css:?}: {error}"));
    }

    /// Chooses `file` in the file input matching the selector.
    pub(crate) async fn choose_file(&self, css: &str, file: &Path) {
        self.element(css)
            .await
            .send_keys(&file.display().to_string())
            .await
            .unwrap_or_else(|error| panic!("cannot choose {} in {css:?}: {error}", file.display()));
    }

    /// Clicks the element matching the selector.
    pub(crate) async fn click(&self, css: &str) {
        self.element(css)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("cannot click {css:?}: {error}"));
    }

    /// Clicks a submit button and waits until the next page has an element matching
    /// `next_page` (the previous page's elements go stale on navigation).
    pub(crate) async fn submit(&self, button: &str, next_page: &str) {
        let old_page = self.element("html").await;
        self.click(button).await;
        let started = Instant::now();
        // Navigation has happened once the old document's root is gone.
        while old_page.tag_name().await.is_ok() {
            assert!(
                started.elapsed() < WAIT,
                "clicking {button:?} did not leave the page"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.element(next_page).await;
    }

    /// Signs in through the dashboard's sign-in form at `{base_url}/auth/login` and waits
    /// for the dashboard's navigation.
    pub(crate) async fn login(&self, base_url: &str, email: &str, password: &str) {
        self.goto(&format!("{base_url}/auth/login")).await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.submit("#sign-in", "main").await;
        assert!(
            self.exists(".dash-nav").await,
            "signing in failed: {}",
            self.text("main").await
        );
    }

    /// Opens the dashboard page of the credential whose public page is `page_url`
    /// (`{base}/c/{id}` → `{base}/dashboard/credentials/{id}`).
    pub(crate) async fn back_to_dashboard_credential(&self, page_url: &str) {
        let (base, id) = page_url
            .rsplit_once("/c/")
            .unwrap_or_else(|| panic!("not a credential page URL: {page_url}"));
        self.goto(&format!("{base}/dashboard/credentials/{id}"))
            .await;
    }

    /// Resizes the window, e.g. to a phone's width.
    pub(crate) async fn resize(&self, width: u32, height: u32) {
        self.client()
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|error| panic!("cannot resize to {width}x{height}: {error}"));
    }

    /// `(content width, viewport width)` of the current page, in CSS pixels: content wider than
    /// the viewport means sideways scrolling.
    pub(crate) async fn widths(&self) -> (f64, f64) {
        let measured = self
            .client()
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
                Vec::new(),
            )
            .await
            .expect("measure the page");
        let number = |index: usize| measured[index].as_f64().expect("a width");
        (number(0), number(1))
    }

    /// Saves a PNG of the window as `{BREVET_SCREENSHOTS}/{name}.png` when that variable names
    /// a directory (to look at the pages); does nothing otherwise.
    pub(crate) async fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("BREVET_SCREENSHOTS") else {
            return;
        };
        let png = self.client().screenshot().await.expect("a screenshot");
        let path = PathBuf::from(dir).join(format!("{name}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    }

    /// The current page's HTML.
    pub(crate) async fn source(&self) -> String {
        self.client().source().await.expect("page source")
    }

    /// Ends the session (Chromium closes), then chromedriver.
    pub(crate) async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends chromedriver's process group (chromedriver and the Chromium it started), by id.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.driver.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if matches!(self.driver.try_wait(), Ok(None)) {
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = self.driver.wait();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
