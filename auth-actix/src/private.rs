//! What the macros' generated code calls; not a public API.

pub use actix_web::web::Payload;
pub use actix_web::HttpRequest;
pub use auth_core::{AuthUser, FromAnonymous};

pub use crate::policy::{Policy, Redirect};

/// The result type of a guarded handler.
pub type Result<T> = core::result::Result<T, actix_web::Error>;

/// Decides whether the request may reach the handler.
#[inline]
pub fn check(req: &HttpRequest, policy: &'static Policy) -> Result<()> {
    policy.check(req).map_err(Into::into)
}

/// Runs the handler's own extractors, after the guard has let the request through.
pub async fn extract<T: actix_web::FromRequest>(req: &HttpRequest, payload: Payload) -> Result<T> {
    let mut payload = payload.into_inner();
    T::from_request(req, &mut payload).await.map_err(Into::into)
}
