#![doc = include_str!("../README.md")]

pub mod audit;
mod context;
mod extract;
mod guarded;
#[cfg(feature = "jwt")]
pub mod jwt;
mod middleware;
mod object_check;
mod policy;
mod response;
#[cfg(feature = "session")]
pub mod session;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(feature = "api-key")]
pub use auth_core::api_key;
pub use auth_core::basic;
#[cfg(feature = "password")]
pub use auth_core::password;
pub use auth_core::{
    has_required_scope, is_safe_next, safe_next, AnonymousUser, AuthError, AuthUser, Authenticated,
    AuthenticationBackend, BackendList, Chain, ChainError, Challenge, Credentials, ErrorKind,
    FromAnonymous, HeaderList, HeaderSource, Outcome, RequestView, Scope, ScopeExpr, SimpleUser,
    MAX_NEXT_LEN,
};
pub use auth_macros::{public, requires, AuthUser, Scope};

pub use context::Authentication;
pub use extract::{CurrentUser, MaybeUser, Scopes, User};
pub use guarded::{Guarded, GuardedMiddleware};
pub use middleware::{
    AsyncHandler, AuthenticationMiddleware, AuthenticationService, ErrorResponse, SyncHandler,
    DEFAULT_TIMEOUT,
};
pub use object_check::ObjectCheck;
pub use policy::{Policy, Redirect};
pub use response::{AuthFailure, Denied};

/// The `tracing` target of every event this crate emits.
pub const TARGET: &str = "auth_actix";
