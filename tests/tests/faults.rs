//! Faults injected into running servers, over real sockets: a backend that errors, one that
//! panics and one that never answers; the demo's SQLite database made unreadable under it;
//! its Redis session server stopped, frozen, and started again.
//!
//! For each fault: the request is refused (503, or 500 where actix-session answers before
//! the chain runs), the refusal is logged, no guarded handler runs (a counter in app data
//! says so), the server goes on serving requests the fault does not touch, and requests
//! pass again once the store is back.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use actix_test::TestServer;
use actix_web::cookie::Key;
use actix_web::http::StatusCode;
use actix_web::{get, web, App, HttpRequest, HttpResponse};
use auth_actix::session::actix_session::storage::SessionStore;
use auth_actix::session::CookieSessionStore;
use auth_actix::{requires, AuthenticationMiddleware, Chain, SimpleUser, User};
use auth_tests::log::Log;
use auth_tests::session::{get_with_cookie, log_in_through_form, RedisServer, SESSION_COOKIE};
use auth_tests::{
    basic, bearer, send, send_with, serve, strict_basic_backend, FailingBackend, Hits,
    PanickingBackend, PendingBackend, Reply, FAIL_HEADER, VALID_BASIC,
};
use examples::demo::{self, UserStore};
use futures_util::future::join;
use rustix::process::{kill_process, Pid, Signal};
use tempfile::TempDir;

// Backend faults: a chain of a failing, a panicking and a pending backend (each set off by
// the request's `x-fail` header) before a working Basic backend.

/// How long the chain may take before the middleware refuses the request.
const CHAIN_TIMEOUT: Duration = Duration::from_millis(500);

#[get("/guarded/{case}")]
#[requires(scopes = ["authenticated"])]
async fn guarded(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    auth_tests::hit(&req);
    HttpResponse::Ok().body(user.username().to_owned())
}

fn faulty_chain_server(hits: &web::Data<Hits>) -> TestServer {
    let hits = hits.clone();
    serve(move || {
        let chain = Chain::new((
            FailingBackend::unavailable("db"),
            PanickingBackend,
            PendingBackend,
            strict_basic_backend(),
        ));
        App::new()
            .wrap(AuthenticationMiddleware::new(chain).timeout(CHAIN_TIMEOUT))
            .app_data(hits.clone())
            .service(guarded)
    })
}

/// Sends `request` and answers the reply with the moment it arrived.
async fn timed(request: awc::ClientRequest) -> (Reply, Instant) {
    let reply = send(request).await;
    (reply, Instant::now())
}

#[actix_web::test]
async fn faults_failing_panicking_and_hanging_backends_are_503_and_the_server_keeps_serving() {
    let log = Log::get();
    let hits = Hits::data();
    let server = faulty_chain_server(&hits);

    for backend in ["db", "panicking", "pending"] {
        let path = format!("/guarded/{backend}-fault");
        let before = hits.count();

        // The faulty request and a valid one at the same time: the valid one is served
        // while the faulty one is still being refused.
        let faulty = server
            .get(&path)
            .insert_header((FAIL_HEADER, backend))
            .insert_header(("authorization", VALID_BASIC));
        let valid = server
            .get("/guarded/meanwhile")
            .insert_header(("authorization", VALID_BASIC));
        let ((refused, refused_at), (served, served_at)) = join(timed(faulty), timed(valid)).await;

        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{backend}");
        assert_eq!(served.status, StatusCode::OK, "{backend}: {}", served.body);
        assert_eq!(
            hits.count(),
            before + 1,
            "{backend}: the guarded handler ran"
        );
        if backend == "pending" {
            assert!(
                served_at < refused_at,
                "the hanging backend held up other requests"
            );
        }
        let quoted_backend = format!("backend=\"{backend}\"");
        let quoted_path = format!("path=\"{path}\"");
        assert!(
            log.has_line(&["WARN", &quoted_backend, &quoted_path]),
            "{backend}: no log line for the refusal"
        );

        // The fault is per request: the same route serves a valid request afterwards.
        let after = send_with(server.get(&path), Some(VALID_BASIC)).await;
        assert_eq!(after.status, StatusCode::OK, "{backend}: after the fault");
        assert_eq!(hits.count(), before + 2, "{backend}");
    }
}

// Store faults on the demo: its SQLite file, and Redis for sessions.

#[get("/faults/witness")]
#[requires(scopes = ["authenticated"])]
async fn witness(req: HttpRequest) -> HttpResponse {
    auth_tests::hit(&req);
    HttpResponse::Ok().body("witness ran")
}

/// The demo on a fresh database, plus the guarded `/faults/witness` counting its runs.
struct Demo {
    store: UserStore,
    key: Key,
    db: PathBuf,
    hits: web::Data<Hits>,
    _dir: TempDir,
}

impl Demo {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("demo.sqlite3");
        Self {
            store: UserStore::open(&db).expect("the store opens"),
            key: Key::generate(),
            db,
            hits: Hits::data(),
            _dir: dir,
        }
    }

    fn serve<S, F>(&self, storage: F) -> TestServer
    where
        S: SessionStore + 'static,
        F: Fn() -> S + Clone + Send + 'static,
    {
        let (store, key, hits) = (self.store.clone(), self.key.clone(), self.hits.clone());
        let sessions = web::Data::new(demo::session_backend(store.clone(), &key));
        let signer = web::Data::new(demo::token_signer(&key));
        serve(move || {
            App::new()
                .wrap(demo::middleware(store.clone(), &key))
                .wrap(demo::session_middleware(&sessions, storage()))
                .app_data(web::Data::new(store.clone()))
                .app_data(sessions.clone())
                .app_data(signer.clone())
                .app_data(hits.clone())
                .service(witness)
                .configure(demo::configure)
        })
    }

    fn runs(&self) -> usize {
        self.hits.count()
    }
}

/// A bearer token for `authorization`, from the demo's `/token`.
async fn token(server: &TestServer, authorization: &str) -> String {
    let reply = send_with(server.post("/token"), Some(authorization)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

/// The witness, with a session cookie or an `Authorization` or `X-API-Key` header.
#[derive(Clone, Debug)]
enum Caller {
    Anonymous,
    Session(String),
    Authorization(String),
    ApiKey(String),
}

impl Caller {
    async fn call(&self, server: &TestServer, path: &str) -> Reply {
        let request = server.get(path);
        match self {
            Caller::Anonymous => send(request).await,
            Caller::Session(cookie) => get_with_cookie(request, Some(cookie)).await,
            Caller::Authorization(value) => send_with(request, Some(value)).await,
            Caller::ApiKey(key) => send(request.insert_header(("x-api-key", key.as_str()))).await,
        }
    }
}

/// The database's files (main file, write-ahead log), with what they held.
struct Saved(Vec<(PathBuf, Vec<u8>)>);

/// Empties the database's files in place, under the server's open connections.
///
/// SQLite's connections keep pages cached as long as the write-ahead log's index (the
/// `-shm` file, shared through memory) says nothing changed, so the index is zeroed too
/// (in place: shrinking a mapped file would crash its readers). Every connection then
/// rebuilds it from the emptied files and finds no tables.
fn break_database(db: &Path) -> Saved {
    let files = [db.to_owned(), db.with_extension("sqlite3-wal")];
    let saved = files
        .into_iter()
        .filter(|path| path.exists())
        .map(|path| {
            let bytes = std::fs::read(&path).expect("the database file reads");
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .and_then(|file| file.set_len(0))
                .expect("the database file truncates");
            (path, bytes)
        })
        .collect();
    reset_wal_index(db);
    Saved(saved)
}

/// Writes the database's files back, in place, and has the connections rebuild the index.
fn mend_database(saved: Saved) {
    for (path, bytes) in &saved.0 {
        std::fs::write(path, bytes).expect("the database file is written back");
    }
    if let Some((db, _)) = saved.0.first() {
        reset_wal_index(db);
    }
}

/// Zeroes the write-ahead log's index in place.
fn reset_wal_index(db: &Path) {
    let shm = db.with_extension("sqlite3-shm");
    let len = std::fs::metadata(&shm).expect("the WAL index exists").len();
    let zeroes = vec![0; usize::try_from(len).expect("a small index")];
    // Written over, never truncated: the index is mapped into the server's memory.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&shm)
        .and_then(|mut file| file.write_all(&zeroes))
        .expect("the WAL index is zeroed");
}

#[actix_web::test]
async fn faults_unreadable_database_is_503_for_each_stored_credential_and_recovers() {
    let log = Log::get();
    let demo = Demo::new();
    let server = demo.serve(CookieSessionStore::default);
    let key = demo
        .store
        .create_api_key("admin", &["authenticated".to_owned()])
        .expect("a key");
    let admin = basic("admin", "admin-secret");
    let session = log_in_through_form(&server, "alice", "alice-secret").await;
    let jwt = token(&server, &admin).await;
    let stored = [
        ("session", Caller::Session(session)),
        ("basic", Caller::Authorization(admin.clone())),
        ("api-key", Caller::ApiKey(key.key().to_owned())),
    ];
    for (name, caller) in &stored {
        let control = caller.call(&server, "/faults/witness").await;
        assert_eq!(
            control.status,
            StatusCode::OK,
            "control {name}: {}",
            control.body
        );
    }
    let before = demo.runs();

    let saved = break_database(&demo.db);
    for (name, caller) in &stored {
        let refused = caller.call(&server, "/faults/witness").await;
        assert_eq!(
            refused.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{name}: {}",
            refused.body
        );
        let quoted = format!("backend=\"{name}\"");
        assert!(
            log.has_line(&["WARN", &quoted, "path=\"/faults/witness\"", "Unavailable"]),
            "{name}: no log line"
        );
    }
    assert_eq!(
        demo.runs(),
        before,
        "a guarded handler ran without its store"
    );
    // What needs no store is still served: anonymous pages, and signed tokens.
    let home = Caller::Anonymous.call(&server, "/").await;
    let stateless = Caller::Authorization(bearer(&jwt))
        .call(&server, "/faults/witness")
        .await;
    mend_database(saved);

    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(stateless.status, StatusCode::OK, "{}", stateless.body);
    for (name, caller) in &stored {
        let mended = caller.call(&server, "/faults/witness").await;
        assert_eq!(
            mended.status,
            StatusCode::OK,
            "{name} after: {}",
            mended.body
        );
    }
    assert_eq!(demo.runs(), before + 1 + stored.len());
}

/// Sends `signal` to the Redis server's process.
fn signal(redis: &RedisServer, signal: Signal) {
    let pid = i32::try_from(redis.pid()).ok().and_then(Pid::from_raw);
    kill_process(pid.expect("a process id"), signal).expect("the signal is sent");
}

/// A demo on `redis`, with alice logged in; answers the server and alice's session.
async fn demo_on_redis(demo: &Demo, redis: &RedisServer) -> (TestServer, Caller) {
    let store = demo::redis_storage(&redis.url())
        .await
        .expect("the Redis store connects");
    let server = demo.serve(move || store.clone());
    let alice = Caller::Session(log_in_through_form(&server, "alice", "alice-secret").await);
    let control = alice.call(&server, "/faults/witness").await;
    assert_eq!(control.status, StatusCode::OK, "control: {}", control.body);
    (server, alice)
}

#[actix_web::test]
async fn faults_frozen_redis_is_refused_at_the_deadline_and_recovers() {
    let log = Log::get();
    let redis = RedisServer::start();
    let demo = Demo::new();
    let (server, alice) = demo_on_redis(&demo, &redis).await;
    let before = demo.runs();

    // Frozen: Redis holds the connection and never answers. actix-session asks it before
    // the chain runs; the store's deadline refuses the request, and requests that carry no
    // session cookie never ask Redis and are served meanwhile.
    signal(&redis, Signal::STOP);
    let started = Instant::now();
    let ((frozen, frozen_at), (meanwhile, meanwhile_at)) = join(
        timed(session_request(&server, &alice)),
        timed(
            server
                .get("/faults/witness")
                .insert_header(("authorization", basic("admin", "admin-secret"))),
        ),
    )
    .await;
    signal(&redis, Signal::CONT);
    let thawed = alice.call(&server, "/faults/witness").await;

    assert_eq!(
        frozen.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        frozen.body
    );
    assert!(
        frozen_at - started >= demo::REDIS_TIMEOUT,
        "refused before the deadline"
    );
    assert!(
        frozen_at - started < demo::REDIS_TIMEOUT * 3,
        "the deadline was not kept"
    );
    assert_eq!(meanwhile.status, StatusCode::OK, "{}", meanwhile.body);
    assert!(
        meanwhile_at < frozen_at,
        "the frozen store held up other requests"
    );
    assert!(
        log.has_line(&["ERROR", "the session store did not answer in time"]),
        "no log line for the frozen store"
    );
    assert_eq!(thawed.status, StatusCode::OK, "{}", thawed.body);
    assert_eq!(
        demo.runs(),
        before + 2,
        "the frozen request ran the handler"
    );
}

#[actix_web::test]
async fn faults_stopped_redis_fails_closed_and_recovers_when_it_is_back() {
    let log = Log::get();
    let mut redis = RedisServer::start();
    let demo = Demo::new();
    let (server, alice) = demo_on_redis(&demo, &redis).await;
    let admin = Caller::Authorization(basic("admin", "admin-secret"));
    let before = demo.runs();

    // Stopped: actix-session cannot load the session and answers 500 before the chain
    // runs. Requests without a session cookie never ask Redis and are served.
    redis.stop();
    let refused = alice.call(&server, "/faults/witness").await;
    let again = alice.call(&server, "/faults/witness").await;
    let other = admin.call(&server, "/faults/witness").await;
    let home = Caller::Anonymous.call(&server, "/").await;

    assert_eq!(
        refused.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        refused.body
    );
    assert_eq!(again.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(demo.runs(), before + 1, "a refused request ran the handler");
    assert!(
        log.has_line(&["ERROR", "the session store"]),
        "no log line for the stopped store"
    );

    // Started again, empty: the same process recovers with its first call. The old session
    // is gone (Redis kept nothing), and a new login works.
    redis.restart();
    let forgotten = alice.call(&server, "/faults/witness").await;
    let mended = Caller::Session(log_in_through_form(&server, "alice", "alice-secret").await);
    let back = mended.call(&server, "/faults/witness").await;

    assert_eq!(
        forgotten.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        forgotten.body
    );
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(demo.runs(), before + 2);
}

/// The witness with `caller`'s session cookie, as a request still to send.
fn session_request(server: &TestServer, caller: &Caller) -> awc::ClientRequest {
    let Caller::Session(cookie) = caller else {
        panic!("a session caller");
    };
    server
        .get("/faults/witness")
        .insert_header(("cookie", format!("{SESSION_COOKIE}={cookie}")))
}
