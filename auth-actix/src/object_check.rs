//! Object checks: an application's own async decision about one request, such as "does this
//! user own the note in the path", run by `#[requires(check = ..)]` after the scope check.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use actix_web::HttpRequest;
use auth_core::Credentials;
use futures_util::future::{FutureExt, LocalBoxFuture};

use crate::extract::authenticated_user;
use crate::response::Denied;
use crate::{Authentication, Policy, TARGET};

/// An async function that decides whether an authenticated user may go on to a handler.
///
/// It is implemented for every
///
/// ```text
/// async fn check(req: &HttpRequest, user: &U, credentials: &Credentials) -> Result<bool, E>
/// ```
///
/// where `U` is the user type of the middleware's chain and `E: Into<actix_web::Error>`.
/// `#[requires(scopes = [..], check = path::to::check)]` runs it after the scopes were found
/// sufficient and before any of the handler's extractors: path parameters are in
/// `req.match_info()`, application data in `req.app_data()`.
///
/// - `Ok(true)` lets the request through;
/// - `Ok(false)` refuses it like a missing scope: 403, or the guard's `status_code`;
/// - `Err(err)` refuses it with `err`'s response when that is an error status (a check can
///   answer 404 for a note that does not exist, or 503 for a database that is down), and
///   with 500 otherwise; it is logged. A panic in the check is a logged 500.
///
/// The handler never runs unless the check returned `Ok(true)`.
///
/// # Examples
///
/// ```
/// use actix_web::{error, get, HttpRequest, HttpResponse};
/// use auth_actix::{requires, Credentials, SimpleUser};
///
/// /// Only the user named in the path may read that user's inbox; admins may read any.
/// async fn own_inbox(
///     req: &HttpRequest,
///     user: &SimpleUser,
///     credentials: &Credentials,
/// ) -> Result<bool, actix_web::Error> {
///     let owner = req.match_info().get("owner").ok_or_else(|| error::ErrorNotFound("no owner"))?;
///     Ok(owner == user.username() || credentials.contains("admin"))
/// }
///
/// #[get("/inbox/{owner}")]
/// #[requires(scopes = ["mail:read"], check = own_inbox)]
/// async fn inbox(req: HttpRequest) -> HttpResponse {
///     HttpResponse::Ok().body(format!("inbox of {}", &req.match_info()["owner"]))
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an object check",
    label = "expected an `async fn(&HttpRequest, &User, &Credentials) -> Result<bool, E>`",
    note = "`User` is the user type of the authentication chain, and `E: Into<actix_web::Error>`"
)]
pub trait ObjectCheck<'a, U: 'a> {
    /// The future the check returns.
    type Future: Future<Output = Result<bool, Self::Error>> + 'a;
    /// The error the check may fail with.
    type Error: Into<actix_web::Error>;

    /// Starts the check for this request, user and credentials.
    fn call(&self, req: &'a HttpRequest, user: &'a U, credentials: &'a Credentials)
        -> Self::Future;
}

impl<'a, U, F, Fut, E> ObjectCheck<'a, U> for F
where
    U: 'a,
    F: Fn(&'a HttpRequest, &'a U, &'a Credentials) -> Fut,
    Fut: Future<Output = Result<bool, E>> + 'a,
    E: Into<actix_web::Error>,
{
    type Future = Fut;
    type Error = E;

    fn call(&self, req: &'a HttpRequest, user: &'a U, credentials: &'a Credentials) -> Fut {
        self(req, user, credentials)
    }
}

/// Runs `check` for a request `policy` has already let through.
///
/// The future is boxed so that its type does not name `C`: `C` is bounded only here, and a
/// function with the wrong signature gets one error, on the path in the attribute.
pub(crate) fn run<U, C>(
    req: &HttpRequest,
    policy: &'static Policy,
    name: &'static str,
    check: C,
) -> LocalBoxFuture<'static, Result<(), actix_web::Error>>
where
    U: Clone + 'static,
    C: for<'a> ObjectCheck<'a, U> + 'static,
{
    let req = req.clone();
    Box::pin(async move {
        let auth = Authentication::of(&req)?;
        // The same lookup as the user extractors, type check included, so a check never sees
        // a user left behind by another middleware next to this one's scopes.
        let Some(user) = authenticated_user::<U>(&req)? else {
            return Err(Denied::user_type_mismatch::<U>().into());
        };

        let outcome = AssertUnwindSafe(check.call(&req, &user, &auth.credentials))
            .catch_unwind()
            .await;
        decide(policy, name, &auth, outcome)
    })
}

/// Turns the check's outcome into the guard's answer.
fn decide<E: Into<actix_web::Error>>(
    policy: &Policy,
    check: &'static str,
    auth: &Authentication,
    outcome: std::thread::Result<Result<bool, E>>,
) -> Result<(), actix_web::Error> {
    let handler = policy.name();
    match outcome {
        Ok(Ok(true)) => {
            tracing::debug!(target: TARGET, handler, check, outcome = "allowed", "object check");
            Ok(())
        }
        Ok(Ok(false)) => {
            tracing::debug!(target: TARGET, handler, check, outcome = "denied", "object check");
            Err(policy.forbid(auth).into())
        }
        Ok(Err(err)) => Err(failed(handler, check, err.into())),
        Err(_) => {
            tracing::error!(target: TARGET, handler, check, "object check panicked; refusing");
            Err(Denied::internal().into())
        }
    }
}

/// The answer for a check that failed: its own response for an error status, 500 otherwise.
fn failed(handler: &'static str, check: &'static str, err: actix_web::Error) -> actix_web::Error {
    let status = err.as_response_error().status_code();
    if status.is_server_error() {
        tracing::error!(target: TARGET, handler, check, %status, error = %err, "object check failed");
    } else {
        tracing::debug!(target: TARGET, handler, check, %status, error = %err, "object check failed");
    }
    if status.is_client_error() || status.is_server_error() {
        return err;
    }
    tracing::error!(
        target: TARGET,
        handler,
        check,
        %status,
        "object check failed with a status that is not an error; refusing with 500"
    );
    Denied::internal().into()
}
