//! The README's main command: the demo binary starts, seeds its database and answers HTTP.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Kills the server when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

/// Sends one raw HTTP/1.1 request and returns the whole response text.
fn get(port: u16, path: &str, authorization: Option<&str>) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let auth = authorization.map_or(String::new(), |value| format!("Authorization: {value}\r\n"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

#[test]
fn demo_binary_serves_the_reference_routes_on_the_configured_port() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let port = free_port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_demo"))
            .env("PORT", port.to_string())
            .env("DEMO_DB", dir.path().join("demo.sqlite3"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the demo starts"),
    );

    let started = Instant::now();
    let homepage = loop {
        match get(port, "/", None) {
            Ok(response) => break response,
            Err(err) if started.elapsed() > Duration::from_secs(60) => {
                panic!("the demo never answered: {err}")
            }
            Err(_) => sleep(Duration::from_millis(100)),
        }
    };
    // alice:alice-secret
    let alice = get(port, "/dashboard", Some("Basic YWxpY2U6YWxpY2Utc2VjcmV0")).expect("an answer");
    let anonymous = get(port, "/dashboard", None).expect("an answer");

    assert!(homepage.starts_with("HTTP/1.1 200 OK"), "{homepage}");
    assert!(
        homepage.ends_with(r#"{"authenticated":false,"user":""}"#),
        "{homepage}"
    );
    assert!(
        alice.ends_with(r#"{"authenticated":true,"user":"alice"}"#),
        "{alice}"
    );
    assert!(
        anonymous.starts_with("HTTP/1.1 401 Unauthorized"),
        "{anonymous}"
    );
    assert!(dir.path().join("demo.sqlite3").exists());
}
