//! The demo in a real browser: headless Chromium, driven over WebDriver through chromedriver,
//! against the demo on a loopback port. A browser sent to the guarded API-key page logs in
//! through the form, comes back to the page, then creates and revokes a key there.
//!
//! Chromium and chromedriver are Debian's `chromium` and `chromium-driver`, which
//! `scripts/test.sh` installs; without them this test fails rather than skips.

mod support;

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_test::TestServer;
use actix_web::http::StatusCode;
use auth_tests::send;
use examples::demo::KEY_PAGE;
use fantoccini::wd::{Capabilities, TimeoutConfiguration};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use rustix::process::{kill_process_group, Pid, Signal};
use serde_json::json;
use support::demo_server;
use tempfile::TempDir;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long one step (a page load, an element to appear) may take.
const STEP: Duration = Duration::from_secs(5);

/// chromedriver on a free loopback port, in a process group of its own with the browsers it
/// starts; the whole group is killed on drop, so a failing test leaves no browser behind.
struct Driver {
    child: Child,
    port: u16,
    profile: TempDir,
}

impl Driver {
    /// Starts chromedriver and waits until it accepts connections.
    ///
    /// Panics, so that the test fails, when Chromium or chromedriver is not installed.
    fn start() -> Self {
        for program in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: this test drives a real headless Chromium; install \
                 Debian's packages with `apt-get install -y chromium chromium-driver` (as \
                 scripts/test.sh does)"
            );
        }

        for _ in 0..3 {
            let port = free_port();
            let child = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .process_group(0)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|err| panic!("{CHROMEDRIVER} could not start: {err}"));
            let profile = tempfile::tempdir().expect("a temporary directory");
            let mut driver = Self {
                child,
                port,
                profile,
            };
            if driver.wait_until_ready() {
                return driver;
            }
            // Most likely another process took the port first; dropping kills this one.
        }
        panic!("chromedriver did not start on any of three ports");
    }

    /// Whether chromedriver accepts connections within ten seconds; `false` when it exited.
    fn wait_until_ready(&mut self) -> bool {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_status)) = self.child.try_wait() {
                return false;
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// A new headless Chromium session, with background network traffic turned off.
    async fn open_browser(&self) -> Client {
        let profile = self.profile.path().display();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={profile}"),
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--disable-domain-reliability",
            "--disable-client-side-phishing-detection",
            "--disable-breakpad",
            "--disable-crash-reporter",
            "--metrics-recording-only",
            "--password-store=basic",
            "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let Ok(capabilities) = serde_json::from_value::<Capabilities>(capabilities) else {
            unreachable!("the capabilities are a JSON object");
        };

        let browser = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("chromedriver starts a Chromium session");
        let timeouts = TimeoutConfiguration::new(Some(STEP), Some(STEP), Some(Duration::ZERO));
        browser
            .update_timeouts(timeouts)
            .await
            .expect("the timeouts are set");
        browser
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = i32::try_from(self.child.id()).ok().and_then(Pid::from_raw);
        if let Some(group) = group {
            let _ = kill_process_group(group, Signal::KILL);
        }
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

async fn whoami_with_key(server: &TestServer, key: &str) -> StatusCode {
    let request = server.get("/api/whoami").insert_header(("x-api-key", key));
    send(request).await.status
}

#[actix_web::test]
async fn browser_logs_in_through_the_form_and_manages_api_keys() {
    let (server, _dir) = demo_server();
    let driver = Driver::start();
    let browser = driver.open_browser().await;
    let wait = || browser.wait().at_most(STEP);
    let page_url = server.url(KEY_PAGE);

    // Anonymous: the guarded page sends the browser to the login form, with `next`.
    browser.goto(&page_url).await.expect("the page loads");
    let username = wait()
        .for_element(Locator::Css("input[name=username]"))
        .await
        .expect("the login form");
    let landed = browser.current_url().await.expect("a URL");
    let next = browser
        .find(Locator::Css("input[name=next]"))
        .await
        .expect("a next field");
    assert_eq!(landed.path(), "/login");
    assert_eq!(landed.query(), Some("next=%2Fadmin%2Fapi-keys%2Fpage"));
    assert_eq!(
        next.prop("value").await.expect("a value").as_deref(),
        Some(KEY_PAGE)
    );

    // Logging in leads back to the page, which shows the user.
    username.send_keys("admin").await.expect("typing");
    let password = browser
        .find(Locator::Css("input[name=password]"))
        .await
        .expect("a password field");
    password.send_keys("admin-secret").await.expect("typing");
    browser
        .find(Locator::Css("form[action='/login'] button"))
        .await
        .expect("the login button")
        .click()
        .await
        .expect("a click");
    let page = url::Url::parse(&page_url).expect("a URL");
    wait().for_url(&page).await.expect("back on the page");
    let user = wait()
        .for_element(Locator::Id("user"))
        .await
        .expect("the logged-in user");
    assert_eq!(user.text().await.expect("text"), "admin");

    // A new key is shown once, and works.
    browser
        .find(Locator::Css("input[name=scope][value=authenticated]"))
        .await
        .expect("a scope box")
        .click()
        .await
        .expect("a click");
    browser
        .find(Locator::Css("#create button"))
        .await
        .expect("the create button")
        .click()
        .await
        .expect("a click");
    let key = wait()
        .for_element(Locator::Id("new-key"))
        .await
        .expect("the new key")
        .text()
        .await
        .expect("text");
    assert_eq!(whoami_with_key(&server, &key).await, StatusCode::OK);

    // Revoking it in the page takes effect at once.
    let id = key.split('_').nth(1).expect("a key id");
    browser
        .find(Locator::Css(&format!("#key-{id} button")))
        .await
        .expect("the revoke button")
        .click()
        .await
        .expect("a click");
    let revoked = format!("//tr[@id='key-{id}']/td[@class='status' and text()='revoked']");
    wait()
        .for_element(Locator::XPath(&revoked))
        .await
        .expect("the key shown as revoked");
    let source = browser.source().await.expect("the page source");
    assert!(!source.contains(&key), "the key is shown twice");
    assert_eq!(
        whoami_with_key(&server, &key).await,
        StatusCode::UNAUTHORIZED
    );

    browser.close().await.expect("the session ends");
}
