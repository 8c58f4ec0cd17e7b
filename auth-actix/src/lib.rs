#![doc = include_str!("../README.md")]

mod context;
mod extract;
#[cfg(feature = "jwt")]
pub mod jwt;
mod middleware;
mod policy;
mod response;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use auth_core::basic;
pub use auth_core::{
    has_required_scope, is_safe_next, safe_next, AnonymousUser, AuthError, AuthUser, Authenticated,
    AuthenticationBackend, BackendList, Chain, ChainError, Challenge, Credentials, ErrorKind,
    FromAnonymous, HeaderList, HeaderSource, Outcome, RequestView, SimpleUser, MAX_NEXT_LEN,
};
pub use auth_macros::{requires, AuthUser};

pub use context::Authentication;
pub use extract::{CurrentUser, MaybeUser, Scopes, User};
pub use middleware::{
    AsyncHandler, AuthenticationMiddleware, AuthenticationService, ErrorResponse, SyncHandler,
    DEFAULT_TIMEOUT,
};
pub use policy::{Policy, Redirect};
pub use response::{AuthFailure, Denied};

/// The `tracing` target of every event this crate emits.
pub const TARGET: &str = "auth_actix";
