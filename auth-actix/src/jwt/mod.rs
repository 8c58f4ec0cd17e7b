//! Bearer JWT authentication and OpenID Connect ID tokens, with keys fetched over HTTP.
//!
//! Enabled by the `jwt` cargo feature. Everything of [`auth_core::jwt`] is re-exported here
//! ([`JwtBackend`], [`KeySet`], [`TokenSigner`], [`OidcUser`], ...); this module adds what
//! needs an HTTP client and a runtime:
//!
//! - [`RemoteJwks`]: a JWKS URL, fetched at start, refreshed in the background and fetched
//!   again (rate-limited) when a token names an unknown key id;
//! - [`OidcProvider`]: an OpenID Connect provider found by its discovery document;
//! - [`FetchOptions`]: timeouts, size limits, refresh intervals, `https` only by default.
//!
//! [`JwtBackend`] answers "not mine" without a bearer token, 400 (`invalid_request`) for a
//! malformed one, 401 with `WWW-Authenticate: Bearer realm="...", error="invalid_token",
//! error_description="..."` for a token that fails verification, and 503 when its keys
//! cannot be had. Tokens are never logged.
//!
//! # Examples
//!
//! An API accepting RS256 access tokens of an authorization server that publishes its keys:
//!
//! ```no_run
//! use actix_web::{get, App, HttpResponse, HttpServer};
//! use auth_actix::jwt::{Algorithm, FetchOptions, JwtBackend, RemoteJwks};
//! use auth_actix::{requires, AuthenticationMiddleware, Chain, SimpleUser, User};
//!
//! #[get("/notes")]
//! #[requires(scopes = ["notes:read"])]
//! async fn notes(User(user): User<SimpleUser>) -> HttpResponse {
//!     HttpResponse::Ok().body(format!("notes of {}", user.username()))
//! }
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let keys = RemoteJwks::start(
//!         "https://auth.example.com/.well-known/jwks.json",
//!         FetchOptions::default(),
//!     )
//!     .await?;
//!     let backend = JwtBackend::new(keys, [Algorithm::RS256])?
//!         .issuer("https://auth.example.com/")
//!         .audience("notes-api");
//!     let auth = AuthenticationMiddleware::new(Chain::new(backend));
//!
//!     HttpServer::new(move || App::new().wrap(auth.clone()).service(notes))
//!         .bind(("127.0.0.1", 8080))?
//!         .run()
//!         .await?;
//!     Ok(())
//! }
//! ```
//!
//! A token missing `notes:read` gets 403 with `WWW-Authenticate: Bearer
//! error="insufficient_scope", scope="notes:read"`. For HMAC tokens an application issues
//! itself, see the example of [`auth_core::jwt`]; for OpenID Connect, [`OidcProvider`].

mod fetch;
mod oidc;
mod remote;

pub use auth_core::jwt::*;

pub use fetch::FetchOptions;
pub use oidc::OidcProvider;
pub use remote::RemoteJwks;
