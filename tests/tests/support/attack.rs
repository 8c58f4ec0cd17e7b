//! The harness of the adversarial suites: the demo on a known key, a raw HTTP/1.1 client
//! that sends bytes no well-behaved client would, and a witness that the guarded handler
//! never ran.
//!
//! The witness is the demo's `POST /admin/api-keys`: the handler writes a row to the
//! `api_keys` table of the demo's SQLite file, which the tests read directly. Every attack is
//! aimed at that route, so a request wrongly let through leaves a row behind (and a body
//! holding a `"key"`), whatever its status says. [`Target::assert_handler_runs`] proves the
//! witness works: the same request with real credentials does leave a row.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use actix_test::TestServer;
use actix_web::cookie::Key;
use auth_actix::session::CookieSessionStore;
use auth_tests::basic;
use base64::Engine as _;
use tempfile::TempDir;

/// The route every attack aims at; its handler creates an API key.
pub(crate) const WITNESS: &str = "/admin/api-keys";

/// The body the witness route needs to run.
pub(crate) const WITNESS_BODY: &str = r#"{"scopes":["authenticated"]}"#;

/// The demo on a fresh database and a session key the test knows.
pub(crate) struct Target {
    pub(crate) server: TestServer,
    pub(crate) key: Key,
    db: PathBuf,
    _dir: TempDir,
}

impl Target {
    /// Starts the demo with sessions in cookies.
    pub(crate) fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("demo.sqlite3");
        let key = Key::generate();
        let server = super::serve_demo_with(&db, key.clone(), CookieSessionStore::default);
        Self {
            server,
            key,
            db,
            _dir: dir,
        }
    }

    /// The server's address.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// How many API keys the database holds: the count the witness handler raises.
    pub(crate) fn keys(&self) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("the demo database opens");
        conn.query_row("SELECT COUNT(*) FROM api_keys", [], |row| row.get(0))
            .expect("the api_keys table is readable")
    }

    /// Sends `head_lines` (extra header lines, each without its CRLF, raw bytes allowed) to
    /// the witness route and asserts the status and that the handler did not run.
    pub(crate) fn assert_refused(&self, case: &str, head_lines: &[&[u8]], status: u16) -> Raw {
        self.assert_refused_at(case, WITNESS, head_lines, status)
    }

    /// As [`assert_refused`](Self::assert_refused), with the witness reached through `target`
    /// (a request target as sent on the wire, such as `//admin/api-keys`).
    pub(crate) fn assert_refused_at(
        &self,
        case: &str,
        target: &str,
        head_lines: &[&[u8]],
        status: u16,
    ) -> Raw {
        let before = self.keys();
        let reply = post_witness(self.addr(), target.as_bytes(), head_lines);
        assert_eq!(reply.status, status, "{case}: status; reply {reply:?}");
        assert_handler_did_not_run(case, &reply);
        assert_eq!(
            self.keys(),
            before,
            "{case}: the guarded handler created a key"
        );
        reply
    }

    /// Asserts that admin's real credentials make the witness handler run: the witness can
    /// see a request let through.
    pub(crate) fn assert_handler_runs(&self) {
        let before = self.keys();
        let authorization = basic("admin", "admin-secret");
        let line = format!("Authorization: {authorization}");
        let reply = post_witness(self.addr(), WITNESS.as_bytes(), &[line.as_bytes()]);
        assert_eq!(reply.status, 201, "control: {reply:?}");
        assert!(reply.text().contains("\"key\":\"ak_"), "control: {reply:?}");
        assert_eq!(self.keys(), before + 1, "control: no key was created");
    }
}

/// Fails when `reply` carries what only the witness handler writes.
pub(crate) fn assert_handler_did_not_run(case: &str, reply: &Raw) {
    let text = reply.text();
    assert!(
        !text.contains("\"key\"") && !text.contains("ak_"),
        "{case}: the body is the guarded handler's: {text}"
    );
}

/// Sends a `POST` with the witness body to `target` with these extra header lines.
pub(crate) fn post_witness(addr: SocketAddr, target: &[u8], head_lines: &[&[u8]]) -> Raw {
    let mut request = Vec::new();
    request.extend_from_slice(b"POST ");
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\n");
    request.extend_from_slice(b"Content-Type: application/json\r\nAccept: application/json\r\n");
    request.extend_from_slice(format!("Content-Length: {}\r\n", WITNESS_BODY.len()).as_bytes());
    for line in head_lines {
        request.extend_from_slice(line);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request.extend_from_slice(WITNESS_BODY.as_bytes());
    exchange(addr, &request)
}

/// [`post_witness`] off the async workers, for tests whose runtime also drives a client (the
/// Redis store's connection runs on the test's own thread, so blocking it stalls Redis).
pub(crate) async fn post_witness_async(addr: SocketAddr, head_lines: Vec<Vec<u8>>) -> Raw {
    actix_web::rt::task::spawn_blocking(move || {
        let lines: Vec<&[u8]> = head_lines.iter().map(Vec::as_slice).collect();
        post_witness(addr, WITNESS.as_bytes(), &lines)
    })
    .await
    .expect("the request thread finishes")
}

/// A `GET` of `target` (raw bytes, sent unnormalised) with these extra header lines.
pub(crate) fn get_raw(addr: SocketAddr, target: &[u8], head_lines: &[&[u8]]) -> Raw {
    let mut request = Vec::new();
    request.extend_from_slice(b"GET ");
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\n");
    for line in head_lines {
        request.extend_from_slice(line);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    exchange(addr, &request)
}

/// A response as read off the socket.
pub(crate) struct Raw {
    /// The status code.
    pub(crate) status: u16,
    /// Every header line, names lowercased, values as sent.
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// The body (chunked bodies are left as sent).
    pub(crate) body: Vec<u8>,
}

impl Raw {
    /// Every value of the header `name` (lowercase).
    pub(crate) fn all(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(header, _)| header == name)
            .map(|(_, value)| value.as_slice())
            .collect()
    }

    /// The single value of `name` as text, `None` when absent.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let all = self.all(name);
        assert!(all.len() <= 1, "{name} occurs {} times", all.len());
        all.first()
            .map(|value| String::from_utf8_lossy(value).into_owned())
    }

    /// The body as text, lossily.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {}", String::from_utf8_lossy(value)))
            .collect();
        f.debug_struct("Raw")
            .field("status", &self.status)
            .field("headers", &headers)
            .field("body", &self.text())
            .finish()
    }
}

/// Writes `request` on a fresh connection and reads the response until the server closes it.
///
/// # Panics
///
/// When the server does not answer within ten seconds or sends no status line: a refusal
/// must be an answer, never a dropped connection.
pub(crate) fn exchange(addr: SocketAddr, request: &[u8]) -> Raw {
    let mut stream = TcpStream::connect(addr).expect("the server accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    // The server may answer and close before reading all of a large request.
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let mut buf = [0; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(err) => panic!("reading the response failed: {err}"),
        }
    }
    parse(&response)
}

fn parse(response: &[u8]) -> Raw {
    let end = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no complete response head: {:?}",
                String::from_utf8_lossy(response)
            )
        });
    let head = &response[..end];
    let mut lines = head.split(|&byte| byte == b'\n');
    let status_line = lines.next().expect("a status line");
    let status_line = String::from_utf8_lossy(status_line);
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.trim().parse().ok())
        .unwrap_or_else(|| panic!("a status code in {status_line:?}"));

    let headers = lines
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter_map(|line| {
            let colon = line.iter().position(|&byte| byte == b':')?;
            let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
            Some((name, line[colon + 1..].trim_ascii().to_vec()))
        })
        .collect();
    Raw {
        status,
        headers,
        body: response[end + 4..].to_vec(),
    }
}

/// Standard base64 with padding.
pub(crate) fn b64(raw: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(raw)
}

/// An `Authorization` header line with this exact value.
pub(crate) fn authorization(value: &str) -> Vec<u8> {
    format!("Authorization: {value}").into_bytes()
}
