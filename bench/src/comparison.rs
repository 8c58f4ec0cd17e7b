//! The comparison servers of the load test: the same guarded route protected the way an
//! application would without this crate.
//!
//! - [`handwritten_app`]: a middleware written by hand that validates an HS256 bearer token with
//!   `jsonwebtoken` and leaves its claims on the request, and handlers that check the scope.
//! - [`grants_app`]: `actix-web-grants`, its `GrantsMiddleware` fed by an extractor that
//!   validates the same token with `jsonwebtoken`, and its `#[protect]` guard.
//!
//! Both accept the tokens of [`crate::hs256_token`] and, as the benchmarked chain does, answer
//! 401 to a token that fails validation, let requests without one through anonymous, and answer
//! 403 when the scope is missing.

use std::collections::HashSet;
use std::future::{ready, Ready};
use std::sync::LazyLock;

use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::ErrorUnauthorized;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{body::MessageBody, web, App, Error, HttpMessage as _, HttpRequest, HttpResponse};
use futures_util::future::Either;
use jsonwebtoken::{DecodingKey, Validation};
use serde::Deserialize;

use crate::{ADMIN_SCOPE, HS256_SECRET, READ_SCOPE};

/// The claims both comparison servers read.
#[derive(Debug, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: String,
    /// The granted scopes, space-separated.
    #[serde(default)]
    pub scope: String,
}

impl Claims {
    fn grants(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|granted| granted == scope)
    }
}

/// The key and the rules: HS256 alone, `exp` required and checked.
struct Hs256 {
    key: DecodingKey,
    validation: Validation,
}

static HS256: LazyLock<Hs256> = LazyLock::new(|| Hs256 {
    key: DecodingKey::from_secret(HS256_SECRET).expect("an HMAC secret"),
    validation: Validation::new(jsonwebtoken::Algorithm::HS256),
});

/// The claims of a bearer token: `None` without an `Authorization` header, an error when the
/// header is not a bearer token or the token fails validation.
fn bearer_claims(request: &ServiceRequest) -> Result<Option<Claims>, Error> {
    let Some(value) = request.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| ErrorUnauthorized("bearer token expected"))?;
    let data = jsonwebtoken::decode::<Claims>(token, &HS256.key, &HS256.validation)
        .map_err(|_| ErrorUnauthorized("invalid token"))?;
    Ok(Some(data.claims))
}

/// The hand-written middleware: validates the bearer token, if any, and stores its claims in
/// the request's extensions.
#[derive(Clone, Copy, Debug, Default)]
pub struct JwtMiddleware;

impl<S, B> Transform<S, ServiceRequest> for JwtMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = JwtService<S>;
    type InitError = ();
    type Future = Ready<Result<JwtService<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(JwtService { service }))
    }
}

/// The service of [`JwtMiddleware`].
#[derive(Debug)]
pub struct JwtService<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for JwtService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = Either<Ready<Result<ServiceResponse<B>, Error>>, S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        match bearer_claims(&request) {
            Ok(Some(claims)) => {
                request.extensions_mut().insert(claims);
                Either::Right(self.service.call(request))
            }
            Ok(None) => Either::Right(self.service.call(request)),
            Err(error) => Either::Left(ready(Err(error))),
        }
    }
}

/// Answers 200 when the request's claims grant `scope`, 403 when they do not, 401 without.
fn check(request: &HttpRequest, scope: &str) -> HttpResponse {
    match request.extensions().get::<Claims>() {
        Some(claims) if claims.grants(scope) => HttpResponse::Ok().body("ok"),
        Some(_) => HttpResponse::Forbidden().finish(),
        None => HttpResponse::Unauthorized().finish(),
    }
}

async fn anon() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

async fn handwritten_guarded(request: HttpRequest) -> HttpResponse {
    check(&request, READ_SCOPE)
}

async fn handwritten_admin(request: HttpRequest) -> HttpResponse {
    check(&request, ADMIN_SCOPE)
}

/// The app of the hand-written middleware: `/anon`, `/guarded` and `/admin`.
pub fn handwritten_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .route("/anon", web::get().to(anon))
        .route("/guarded", web::get().to(handwritten_guarded))
        .route("/admin", web::get().to(handwritten_admin))
        .wrap(JwtMiddleware)
}

/// The authorities of a request for `actix-web-grants`: the scopes of its bearer token, none
/// without one.
async fn authorities(request: &ServiceRequest) -> Result<HashSet<String>, Error> {
    Ok(bearer_claims(request)?
        .map(|claims| claims.scope.split(' ').map(str::to_owned).collect())
        .unwrap_or_default())
}

#[actix_web_grants::protect("notes:read")]
async fn grants_guarded() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

#[actix_web_grants::protect("admin")]
async fn grants_admin() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// The `actix-web-grants` app: `/anon`, `/guarded` and `/admin`.
pub fn grants_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .route("/anon", web::get().to(anon))
        .route("/guarded", web::get().to(grants_guarded))
        .route("/admin", web::get().to(grants_admin))
        .wrap(actix_web_grants::GrantsMiddleware::with_extractor(
            authorities,
        ))
}
