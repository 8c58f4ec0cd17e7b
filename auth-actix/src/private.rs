//! What the macros' generated code calls; not a public API.

pub use actix_web::web::Payload;
pub use actix_web::HttpRequest;
pub use auth_core::{scope_name, AuthUser, FromAnonymous, Scope, ScopeExpr};
pub use inventory;

pub use crate::audit::{Access, Registration};
pub use crate::object_check::ObjectCheck;
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

/// Runs a handler's object check, after [`check`] let the request through.
#[inline]
pub fn object_check<U, C>(
    req: &HttpRequest,
    policy: &'static Policy,
    name: &'static str,
    check: C,
) -> futures_util::future::LocalBoxFuture<'static, Result<()>>
where
    U: Clone + 'static,
    C: for<'a> ObjectCheck<'a, U> + 'static,
{
    crate::object_check::run(req, policy, name, check)
}
