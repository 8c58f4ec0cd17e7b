//! The demo service: `cargo run -p examples --bin demo`, then see the README's tour.
//!
//! Environment: `PORT` (default 8000), `DEMO_DB` (default `demo.sqlite3`), `RUST_LOG`.

use actix_web::{web, App, HttpServer};
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
    let auth = demo::middleware(store.clone());

    tracing::info!("demo listening on http://127.0.0.1:{port} (users in {db})");
    HttpServer::new(move || {
        App::new()
            .wrap(auth.clone())
            .app_data(web::Data::new(store.clone()))
            .configure(demo::configure)
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message.to_owned())
}
