//! Support for the session tests: a real Redis server, form posts and cookie handling.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use actix_test::{ClientRequest, TestServer};
use tempfile::TempDir;

use crate::Reply;

/// The name of actix-session's cookie.
pub const SESSION_COOKIE: &str = "id";

/// A `redis-server` of its own, on a free loopback port, without persistence; killed on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl RedisServer {
    /// Starts `redis-server` and waits until it answers `PING`.
    ///
    /// # Panics
    ///
    /// When `redis-server` is not on `PATH` (the message says how to install it) or never
    /// answers: the Redis tests fail rather than pass without a server.
    pub fn start() -> Self {
        for _ in 0..3 {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let port = free_port();
            let mut server = Self {
                child: spawn(port, &dir),
                port,
                dir,
            };
            if server.wait_until_ready() {
                return server;
            }
            // Most likely another process took the port first; dropping kills this one.
        }
        panic!("redis-server did not answer on any of three ports");
    }

    /// The URL clients connect with, such as `redis://127.0.0.1:6390`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The server process's id, to signal it (to freeze it with `SIGSTOP`, say).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server, as a crash would; [`restart`](Self::restart) brings it back.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same port, empty (nothing is persisted), and waits
    /// until it answers `PING`.
    ///
    /// # Panics
    ///
    /// When it does not answer within ten seconds (another process took the port, say).
    pub fn restart(&mut self) {
        self.stop();
        self.child = spawn(self.port, &self.dir);
        assert!(
            self.wait_until_ready(),
            "redis-server did not come back on port {}",
            self.port
        );
    }

    /// Whether the server answers `PING` within ten seconds; `false` when it exited.
    fn wait_until_ready(&mut self) -> bool {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_status)) = self.child.try_wait() {
                return false;
            }
            if ping(self.port) {
                return true;
            }
            sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(port: u16, dir: &TempDir) -> Child {
    let spawned = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => panic!(
            "redis-server is not on PATH; the Redis session tests need a real server: \
             apt-get install -y redis-server"
        ),
        Err(err) => panic!("redis-server could not start: {err}"),
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut answer = [0; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}

/// Posts `fields` as a URL-encoded form, with `cookie` as the session cookie, and reads the
/// whole reply.
///
/// # Panics
///
/// When the request cannot be sent or the body is not UTF-8.
pub async fn post_form(
    request: ClientRequest,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    let request = with_cookie(request, cookie);
    let mut response = request
        .send_form(&fields)
        .await
        .expect("the server answers");
    let body = response.body().await.expect("a readable body");

    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
    }
}

/// Sends `request` with `cookie` as the session cookie and reads the whole reply.
pub async fn get_with_cookie(request: ClientRequest, cookie: Option<&str>) -> Reply {
    crate::send(with_cookie(request, cookie)).await
}

fn with_cookie(request: ClientRequest, cookie: Option<&str>) -> ClientRequest {
    match cookie {
        Some(value) => request.insert_header(("cookie", format!("{SESSION_COOKIE}={value}"))),
        None => request,
    }
}

/// What a reply did to the session cookie.
#[derive(Debug, PartialEq, Eq)]
pub enum CookieChange {
    /// No `Set-Cookie` for the session.
    Untouched,
    /// The cookie was set to this value.
    Set(String),
    /// The cookie was removed.
    Removed,
}

/// What `reply` did to the session cookie.
///
/// # Panics
///
/// When the reply sets the session cookie more than once.
pub fn cookie_change(reply: &Reply) -> CookieChange {
    let prefix = format!("{SESSION_COOKIE}=");
    let mut found = reply
        .headers_all("set-cookie")
        .into_iter()
        .filter(|header| header.starts_with(&prefix));
    let Some(header) = found.next() else {
        return CookieChange::Untouched;
    };
    assert!(found.next().is_none(), "the session cookie is set twice");

    let value = header[prefix.len()..].split(';').next().unwrap_or_default();
    let removed = value.is_empty() || header.to_ascii_lowercase().contains("max-age=0");
    if removed {
        CookieChange::Removed
    } else {
        CookieChange::Set(value.to_owned())
    }
}

/// The value `reply` set the session cookie to.
///
/// # Panics
///
/// When the reply does not set the session cookie.
pub fn new_cookie(reply: &Reply) -> String {
    match cookie_change(reply) {
        CookieChange::Set(value) => value,
        other => panic!("expected a new session cookie, got {other:?}"),
    }
}

/// The CSRF token in the hidden `csrf` field of an HTML form.
///
/// # Panics
///
/// When the body has no such field.
pub fn csrf_field(body: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = body.find(marker).expect("a csrf field") + marker.len();
    let end = body[start..].find('"').expect("a closing quote");
    body[start..start + end].to_owned()
}

/// Logs `username` in through the form at `/login`, from a fresh session and with no `next`;
/// answers the session cookie the login set.
///
/// # Panics
///
/// When the form sets no session cookie or the login is not answered 303.
pub async fn log_in_through_form(server: &TestServer, username: &str, password: &str) -> String {
    let form = get_with_cookie(server.get("/login"), None).await;
    let CookieChange::Set(cookie) = cookie_change(&form) else {
        panic!("the login form sets a session cookie: {form:?}");
    };
    let csrf = csrf_field(&form.body);
    let fields = [
        ("username", username),
        ("password", password),
        ("csrf", csrf.as_str()),
        ("next", ""),
    ];
    let reply = post_form(server.post("/login"), Some(&cookie), &fields).await;
    assert_eq!(reply.status.as_u16(), 303, "{}", reply.body);
    new_cookie(&reply)
}

/// The value `reply` set the cookie `name` to.
///
/// # Panics
///
/// When the reply does not set that cookie.
pub fn set_cookie(reply: &Reply, name: &str) -> String {
    let prefix = format!("{name}=");
    reply
        .headers_all("set-cookie")
        .into_iter()
        .find_map(|header| header.strip_prefix(prefix.as_str()))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("a {name} cookie: {reply:?}"))
        .to_owned()
}

/// Logs `username` in through the form at `/login` with a session cookie named `name`;
/// answers the cookie the login set.
///
/// # Panics
///
/// When the form or the login does not set that cookie, or the login is not answered 303.
pub async fn log_in_named(
    server: &TestServer,
    name: &str,
    username: &str,
    password: &str,
) -> String {
    let form = crate::send(server.get("/login")).await;
    assert_eq!(form.status.as_u16(), 200, "{}", form.body);
    let csrf = csrf_field(&form.body);
    let cookie = format!("{name}={}", set_cookie(&form, name));
    let fields = [
        ("username", username),
        ("password", password),
        ("csrf", csrf.as_str()),
        ("next", ""),
    ];
    let request = server.post("/login").insert_header(("cookie", cookie));
    let reply = post_form(request, None, &fields).await;
    assert_eq!(reply.status.as_u16(), 303, "{}", reply.body);
    set_cookie(&reply, name)
}
