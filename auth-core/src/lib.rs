//! Framework-neutral authentication: users, scopes, backends and the backend chain.
//!
//! This crate holds the semantics of Starlette's authentication model without any web
//! framework types, so that adapters (such as `auth-actix`) only translate requests and
//! responses:
//!
//! - an [`AuthenticationBackend`] reads a [`RequestView`] (method, path, query, headers,
//!   cookies and peer address, never the body) and answers "not mine" (`Ok(None)`), a user
//!   with its [`Credentials`] (`Ok(Some(..))`), or an [`AuthError`];
//! - a [`Chain`] asks its backends in order: "not mine" moves on, the first user wins and the
//!   first error stops the chain, naming the backend that raised it ([`ChainError`]);
//! - an [`AuthUser`] says whether it is authenticated, how to display it and who it is;
//!   [`SimpleUser`] and [`AnonymousUser`] are the two users shipped here.
//!
//! Backends and helpers: [`basic`] (HTTP Basic, always available), `api_key` (API keys, cargo
//! feature `api-key`) and `password` (argon2id password hashing, cargo feature `password`).
//!
//! # Examples
//!
//! ```
//! use auth_core::{
//!     AuthError, Authenticated, AuthenticationBackend, Chain, Credentials, HeaderList, Outcome,
//!     RequestView, SimpleUser,
//! };
//!
//! /// Accepts the header `X-User: <name>` and grants the scope `authenticated`.
//! struct HeaderBackend;
//!
//! impl AuthenticationBackend for HeaderBackend {
//!     type User = SimpleUser;
//!
//!     async fn authenticate(
//!         &self,
//!         request: &RequestView<'_>,
//!     ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
//!         let Some(name) = request.header("x-user")? else {
//!             return Ok(None);
//!         };
//!         let name = std::str::from_utf8(name).map_err(|_| AuthError::malformed("bad X-User"))?;
//!         Ok(Some(Authenticated::new(
//!             SimpleUser::new(name),
//!             Credentials::from_iter(["authenticated"]),
//!         )))
//!     }
//! }
//!
//! # futures_util::FutureExt::now_or_never(async {
//! let chain = Chain::new(HeaderBackend);
//! let headers = HeaderList::new([("x-user", "ada")]);
//! let request = RequestView::new("GET", "/", "", &headers);
//!
//! match chain.authenticate(&request).await {
//!     Outcome::Authenticated { user, credentials, .. } => {
//!         assert_eq!(user.username(), "ada");
//!         assert!(credentials.contains("authenticated"));
//!     }
//!     _ => unreachable!(),
//! }
//! # }).unwrap();
//! ```

#[cfg(feature = "api-key")]
pub mod api_key;
mod backend;
pub mod basic;
mod chain;
mod challenge;
mod error;
#[cfg(feature = "jwt")]
pub mod jwt;
mod next;
#[cfg(feature = "password")]
pub mod password;
mod request;
mod scope;
mod scope_expr;
mod typed_scope;
mod user;

pub use backend::{Authenticated, AuthenticationBackend};
pub use chain::{BackendList, Chain, ChainError, Outcome};
pub use challenge::Challenge;
pub use error::{AuthError, ErrorKind};
pub use next::{is_safe_next, safe_next, MAX_NEXT_LEN};
pub use request::{is_websocket_upgrade, HeaderList, HeaderSource, HeaderValues, RequestView};
pub use scope::{has_required_scope, Credentials};
pub use scope_expr::ScopeExpr;
#[doc(hidden)]
pub use typed_scope::scope_name;
pub use typed_scope::Scope;
pub use user::{AnonymousUser, AuthUser, FromAnonymous, SimpleUser};
