//! The demo service: `cargo run -p examples --bin demo`, then see the README's tour.
//!
//! Environment: `PORT` (default 8000), `DEMO_DB` (default `demo.sqlite3`), `RUST_LOG`,
//! `SESSION_KEY` (a random secret of at least 32 bytes; without it a key is generated and
//! sessions end when the demo stops), `REDIS_URL` (keep sessions in Redis instead of in
//! the cookie, e.g. `redis://127.0.0.1:6379`) and `SESSION_COOKIE` (the session cookie's
//! name, `id` by default; behind HTTPS, `__Host-id` keeps other subdomains from setting the
//! session cookie itself).

use actix_web::cookie::Key;
use actix_web::{web, App, HttpServer};
use auth_actix::session::actix_session::storage::SessionStore;
use auth_actix::session::CookieSessionStore;
use examples::demo::{self, UserStore};
use tracing_subscriber::EnvFilter;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,auth_actix=debug"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let port = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| invalid("PORT must be a port number"))?,
        Err(_) => 8000,
    };
    let db = std::env::var("DEMO_DB").unwrap_or_else(|_| "demo.sqlite3".to_owned());
    let store = UserStore::open(&db).map_err(|err| invalid(&format!("{db}: {err}")))?;
    let key = session_key()?;

    tracing::info!("demo listening on http://127.0.0.1:{port} (users in {db})");
    match std::env::var("REDIS_URL") {
        Ok(url) => {
            let redis = demo::redis_storage(&url)
                .await
                .map_err(|err| invalid(&format!("REDIS_URL: {err}")))?;
            tracing::info!("sessions are kept in Redis");
            serve(port, store, key, move || redis.clone()).await
        }
        Err(_) => {
            tracing::info!("sessions are kept in encrypted cookies");
            serve(port, store, key, CookieSessionStore::default).await
        }
    }
}

/// Serves the demo with sessions in the store `storage` makes for each worker.
async fn serve<S, F>(port: u16, store: UserStore, key: Key, storage: F) -> std::io::Result<()>
where
    S: SessionStore + 'static,
    F: Fn() -> S + Clone + Send + 'static,
{
    let cookie = session_cookie()?;
    // One backend, configured before it is cloned: the chain, the login handler and the
    // session middleware all use its cookie name.
    let backend = demo::session_backend(store.clone(), &key).cookie_name(&cookie);
    let auth = demo::middleware_with_sessions(backend.clone(), store.clone(), &key);
    let sessions = web::Data::new(backend);
    let signer = web::Data::new(demo::token_signer(&key));

    HttpServer::new(move || {
        App::new()
            .wrap(auth.clone())
            // Wrapped last, so it runs first and loads the session for the chain.
            .wrap(demo::session_middleware(&sessions, storage()))
            .app_data(web::Data::new(store.clone()))
            .app_data(sessions.clone())
            .app_data(signer.clone())
            .configure(demo::configure)
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}

/// The session cookie's name, from `SESSION_COOKIE` or actix-session's default `id`.
fn session_cookie() -> std::io::Result<String> {
    const SEPARATORS: &[u8] = b"()<>@,;:\\\"/[]?={}";
    match std::env::var("SESSION_COOKIE") {
        Ok(name)
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_graphic() && !SEPARATORS.contains(&byte)) =>
        {
            Ok(name)
        }
        Ok(_) => Err(invalid(
            "SESSION_COOKIE must be a cookie name, such as __Host-id",
        )),
        Err(_) => Ok("id".to_owned()),
    }
}

/// The session cookie's key, from `SESSION_KEY` or freshly generated.
fn session_key() -> std::io::Result<Key> {
    match std::env::var("SESSION_KEY") {
        Ok(secret) if secret.len() >= 32 => Ok(Key::derive_from(secret.as_bytes())),
        Ok(_) => Err(invalid("SESSION_KEY must be at least 32 bytes long")),
        Err(_) => {
            tracing::warn!("SESSION_KEY is not set: sessions end when the demo stops");
            Ok(Key::generate())
        }
    }
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message.to_owned())
}
