//! The load-test server: a bare actix-web app, or the same app behind the authentication
//! middleware, on one worker thread.
//!
//! ```text
//! bench-server MODE PORT CREDENTIALS_FILE
//! ```
//!
//! MODE is one of:
//! - `bare`: no middleware at all, the baseline;
//! - `hs256`: the four-backend chain (session, HS256 JWT, API key, Basic), no session middleware;
//! - `hs256-cached`: the same with the JWT backend caching verified tokens;
//! - `rs256`: the same chain with an RS256 JWT backend caching verified tokens;
//! - `rs256-uncached`: the same without the cache;
//! - `session`: the `hs256` chain behind actix-session's cookie-store middleware;
//! - `handwritten`: no chain; a hand-written middleware validating HS256 tokens with
//!   `jsonwebtoken`, and handlers checking the scope (see `auth_bench::comparison`);
//! - `grants`: no chain; `actix-web-grants` with the same token validation.
//!
//! Every mode serves `GET /anon` (no guard). The others add `GET /guarded` (requires
//! `notes:read`, which every credential grants), `GET /admin` (requires `admin`, which none
//! grants: 403) and, in `session` mode, `GET /login` (logs the session in). The credentials the
//! server accepts are written to CREDENTIALS_FILE as shell assignments before it listens.

use std::io::Write as _;

use actix_web::{web, App, HttpResponse, HttpServer};
use auth_actix::session::{CookieSessionStore, Session, SessionBackend, SessionMiddleware};
use auth_actix::{requires, AuthenticationMiddleware};
use auth_bench::{comparison, full_chain, Issued, Loader};

async fn anon() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

#[requires(scopes = ["notes:read"])]
async fn guarded() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

#[requires(scopes = ["admin"])]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

async fn login(
    session: Session,
    sessions: web::Data<SessionBackend<Loader>>,
) -> actix_web::Result<HttpResponse> {
    sessions
        .login(&session, &auth_actix::SimpleUser::new(auth_bench::USERNAME))
        .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(HttpResponse::Ok().body("logged in"))
}

fn write_credentials(path: &str, issued: &Issued) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    writeln!(file, "API_KEY='{}'", issued.api_key)?;
    writeln!(file, "BAD_API_KEY='{}'", auth_bench::UNKNOWN_API_KEY)?;
    writeln!(file, "TOKEN='{}'", issued.token)?;
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, port, credentials] = &args[..] else {
        eprintln!(
            "usage: bench-server \
             bare|hs256|hs256-cached|rs256|rs256-uncached|session|handwritten|grants PORT FILE"
        );
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("a port number");
    let mode = mode.clone();

    let system = actix_web::rt::System::new();
    if mode == "handwritten" || mode == "grants" {
        write_credentials(
            credentials,
            &Issued {
                api_key: String::new(),
                token: auth_bench::hs256_token(),
            },
        )?;
        let server = if mode == "grants" {
            HttpServer::new(comparison::grants_app)
                .workers(1)
                .bind(("127.0.0.1", port))?
                .run()
        } else {
            HttpServer::new(comparison::handwritten_app)
                .workers(1)
                .bind(("127.0.0.1", port))?
                .run()
        };
        return system.block_on(server);
    }

    let (jwt, token) = match mode.as_str() {
        "bare" => (None, String::new()),
        "hs256" | "session" => (Some(auth_bench::hs256_backend()), auth_bench::hs256_token()),
        "hs256-cached" => (
            Some(auth_bench::hs256_backend_cached()),
            auth_bench::hs256_token(),
        ),
        "rs256" => {
            let (backend, token) = auth_bench::rs256_backend();
            (Some(backend), token)
        }
        "rs256-uncached" => {
            let (backend, token) = auth_bench::rs256_backend_uncached();
            (Some(backend), token)
        }
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    };

    let Some(jwt) = jwt else {
        write_credentials(
            credentials,
            &Issued {
                api_key: String::new(),
                token,
            },
        )?;
        return system.block_on(
            HttpServer::new(|| App::new().route("/anon", web::get().to(anon)))
                .workers(1)
                .bind(("127.0.0.1", port))?
                .run(),
        );
    };

    let (chain, issued) = full_chain(jwt, token);
    write_credentials(credentials, &issued)?;
    let auth = AuthenticationMiddleware::new(chain);
    let sessions = web::Data::new(auth_bench::session_backend());
    let with_sessions = mode == "session";

    let app = move || {
        App::new()
            .app_data(sessions.clone())
            .route("/anon", web::get().to(anon))
            .route("/guarded", web::get().to(guarded))
            .route("/admin", web::get().to(admin))
            .route("/login", web::get().to(login))
            .wrap(auth.clone())
    };
    if with_sessions {
        let key = auth_bench::session_key();
        system.block_on(
            HttpServer::new(move || {
                app().wrap(SessionMiddleware::new(
                    CookieSessionStore::default(),
                    key.clone(),
                ))
            })
            .workers(1)
            .bind(("127.0.0.1", port))?
            .run(),
        )
    } else {
        system.block_on(
            HttpServer::new(app)
                .workers(1)
                .bind(("127.0.0.1", port))?
                .run(),
        )
    }
}
