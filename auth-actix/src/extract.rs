//! Extractors for the user and the scopes of a request.

use std::any::TypeId;
use std::future::{ready, Ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use auth_core::{Credentials, FromAnonymous};

use crate::response::Denied;
use crate::Authentication;

/// The authenticated user of a request; a 401 with the chain's challenges when anonymous.
///
/// `U` must be the user type of the middleware's chain. The compiler cannot see the chain from
/// a handler, so another type compiles, and fails only at run time, with a logged 500, once a
/// user is signed in (anonymous requests still get their 401): test guarded routes with a
/// signed-in user too.
///
/// # Examples
///
/// ```
/// use auth_actix::{SimpleUser, User};
///
/// async fn profile(User(user): User<SimpleUser>) -> String {
///     format!("hello {}", user.username())
/// }
/// ```
#[derive(Clone, Debug)]
pub struct User<U>(pub U);

impl<U> Deref for User<U> {
    type Target = U;

    fn deref(&self) -> &U {
        &self.0
    }
}

impl<U> User<U> {
    /// The user itself.
    pub fn into_inner(self) -> U {
        self.0
    }
}

impl<U: Clone + 'static> FromRequest for User<U> {
    type Error = Denied;
    type Future = Ready<Result<Self, Denied>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match authenticated_user(req) {
            Ok(Some(user)) => Ok(User(user)),
            Ok(None) => Authentication::of(req).and_then(|auth| Err(Denied::anonymous(&auth))),
            Err(denied) => Err(denied),
        })
    }
}

/// The user of a request when one was authenticated, `None` when anonymous.
///
/// # Examples
///
/// ```
/// use auth_actix::{AuthUser, MaybeUser, SimpleUser};
///
/// async fn greet(MaybeUser(user): MaybeUser<SimpleUser>) -> String {
///     match user {
///         Some(user) => format!("hello {}", user.display_name()),
///         None => "hello stranger".to_owned(),
///     }
/// }
/// ```
#[derive(Clone, Debug)]
pub struct MaybeUser<U>(pub Option<U>);

impl<U: Clone + 'static> FromRequest for MaybeUser<U> {
    type Error = Denied;
    type Future = Ready<Result<Self, Denied>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticated_user(req).map(MaybeUser))
    }
}

/// The user of a request, the anonymous value of `U` included, like Starlette's `request.user`.
///
/// `U` is a type with an anonymous value, such as an enum deriving `AuthUser` with an
/// `#[auth(anonymous)]` variant.
///
/// # Examples
///
/// ```
/// use auth_actix::{AuthUser, CurrentUser, SimpleUser};
///
/// // The chain's backends produce `Visitor::Member`; anonymous requests get `Visitor::Anonymous`.
/// #[derive(AuthUser, Clone)]
/// enum Visitor {
///     #[auth(anonymous)]
///     Anonymous,
///     Member(SimpleUser),
/// }
///
/// async fn homepage(CurrentUser(visitor): CurrentUser<Visitor>) -> String {
///     format!("authenticated: {}", visitor.is_authenticated())
/// }
/// ```
#[derive(Clone, Debug)]
pub struct CurrentUser<U>(pub U);

impl<U: Clone + FromAnonymous + 'static> FromRequest for CurrentUser<U> {
    type Error = Denied;
    type Future = Ready<Result<Self, Denied>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticated_user(req).map(|user| CurrentUser(user.unwrap_or_else(U::anonymous))))
    }
}

impl<U> Deref for CurrentUser<U> {
    type Target = U;

    fn deref(&self) -> &U {
        &self.0
    }
}

/// The scopes granted to a request, as an extractor; empty when anonymous.
///
/// # Examples
///
/// ```
/// use auth_actix::Scopes;
///
/// async fn notes(scopes: Scopes) -> &'static str {
///     if scopes.contains("notes:write") {
///         "you may edit"
///     } else {
///         "read only"
///     }
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Scopes(pub Credentials);

impl Deref for Scopes {
    type Target = Credentials;

    fn deref(&self) -> &Credentials {
        &self.0
    }
}

impl FromRequest for Scopes {
    type Error = Denied;
    type Future = Ready<Result<Self, Denied>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Authentication::of(req).map(|auth| Scopes(auth.credentials)))
    }
}

/// The stored user, `None` when anonymous; an error when the middleware is missing or was
/// built for another user type.
pub(crate) fn authenticated_user<U: Clone + 'static>(
    req: &HttpRequest,
) -> Result<Option<U>, Denied> {
    let extensions = req.extensions();
    let auth = extensions
        .get::<Authentication>()
        .ok_or_else(Denied::missing_middleware)?;
    if !auth.authenticated {
        return Ok(None);
    }
    // The type check guards against a user left by another middleware with another user type.
    let stored = (auth.user_type == Some(TypeId::of::<U>()))
        .then(|| extensions.get::<User<U>>().map(|User(user)| user.clone()))
        .flatten();
    stored.map(Some).ok_or_else(Denied::user_type_mismatch::<U>)
}
