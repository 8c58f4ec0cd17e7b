//! A [`Policy`] as middleware, for a whole `web::scope` or resource.

use std::future::{ready, Ready};

use actix_web::body::EitherBody;
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{Error, ResponseError};
use futures_util::future::{Either, MapOk, TryFutureExt};

use crate::Policy;

/// Middleware that applies a [`Policy`] to every route of a scope or resource it wraps.
///
/// It makes the same decision, with the same responses, as `#[requires]` on each handler:
/// 401 with the chain's challenges, 403, a login redirect for anonymous browsers, or the
/// policy's status code. Use it for routes that cannot carry the attribute, such as static
/// files or handlers from another crate.
/// [`AuthenticationMiddleware`](crate::AuthenticationMiddleware) must wrap the application.
///
/// It runs once the request has matched the scope or resource it wraps, and before the
/// routing inside it: a refused request gets the guard's answer even for a path the scope does
/// not hold or a method the resource does not route, so outsiders learn nothing of what is
/// behind it; admitted users get 404 and 405 as usual.
///
/// The policy is given at run time, so [`audit::routes`](crate::audit::routes) does not list
/// it; handlers inside the scope may still carry `#[requires]` of their own (as the demo's
/// notes do), and those are listed. Name the policy after the scope: log lines carry the name.
///
/// # Examples
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use auth_actix::{Guarded, Policy, Redirect, ScopeExpr};
///
/// static ADMIN: Policy = Policy::new("admin-scope")
///     .scopes(&["admin"])
///     .redirect(Redirect::Path("/login"));
///
/// let app = App::new().service(
///     web::scope("/admin")
///         .wrap(Guarded::new(ADMIN))
///         .route("/stats", web::get().to(|| async { HttpResponse::Ok().body("42") })),
/// );
/// # let _ = app;
///
/// // Also as an expression, built in place.
/// let reports = web::resource("/reports")
///     .wrap(Guarded::new(Policy::new("reports").expr(&ScopeExpr::Any(&[
///         ScopeExpr::Scope("reports:read"),
///         ScopeExpr::Scope("admin"),
///     ]))))
///     .get(|| async { "reports" });
/// # let _ = reports;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Guarded {
    policy: Policy,
}

impl Guarded {
    /// Guards everything this middleware wraps with `policy`.
    pub fn new(policy: Policy) -> Self {
        Self { policy }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Guarded
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = GuardedMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(GuardedMiddleware {
            service,
            policy: self.policy,
        }))
    }
}

/// The service [`Guarded`] wraps around a scope or resource.
#[derive(Debug)]
pub struct GuardedMiddleware<S> {
    service: S,
    policy: Policy,
}

type Passed<F, B> = MapOk<F, fn(ServiceResponse<B>) -> ServiceResponse<EitherBody<B>>>;
type Refused<B> = Ready<Result<ServiceResponse<EitherBody<B>>, Error>>;

impl<S, B> Service<ServiceRequest> for GuardedMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Either<Passed<S::Future, B>, Refused<B>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let decision = self.policy.check(req.request());

        match decision {
            Ok(()) => {
                let left: fn(ServiceResponse<B>) -> _ = ServiceResponse::map_into_left_body;
                Either::Left(self.service.call(req).map_ok(left))
            }
            Err(denied) => {
                let response = req.into_response(denied.error_response());
                Either::Right(ready(Ok(response.map_into_right_body())))
            }
        }
    }
}
