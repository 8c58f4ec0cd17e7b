//! What the middleware leaves on each request.

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use auth_core::{Challenge, Credentials};

use crate::response::Denied;

/// The authentication result of one request, stored by the middleware in its extensions.
///
/// Handlers can take it as an extractor; later middleware can read it with
/// `req.extensions().get::<Authentication>()`.
///
/// # Examples
///
/// ```
/// use auth_actix::Authentication;
///
/// async fn whoami(auth: Authentication) -> String {
///     match auth.backend() {
///         Some(backend) => format!("authenticated by {backend}"),
///         None => "anonymous".to_owned(),
///     }
/// }
/// ```
#[derive(Clone)]
pub struct Authentication {
    pub(crate) authenticated: bool,
    pub(crate) credentials: Credentials,
    pub(crate) backend: Option<&'static str>,
    pub(crate) bearer: bool,
    /// The type of the stored user, which typed extractors must ask for.
    pub(crate) user_type: Option<TypeId>,
    pub(crate) challenges: Arc<[Challenge]>,
}

impl Authentication {
    /// Whether a backend authenticated the request.
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// The scopes granted to the request; none for an anonymous one.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The name of the backend that authenticated the request.
    pub fn backend(&self) -> Option<&'static str> {
        self.backend
    }

    /// Whether the request was authenticated by a `Bearer` scheme backend.
    pub fn is_bearer(&self) -> bool {
        self.bearer
    }

    /// The challenges of the chain, sent with a 401.
    pub fn challenges(&self) -> &[Challenge] {
        &self.challenges
    }

    /// Reads the authentication the middleware stored on `req`.
    ///
    /// # Errors
    ///
    /// A 500 response (and an error log line) when the middleware is not installed: a guarded
    /// handler never runs without it.
    pub fn of(req: &HttpRequest) -> Result<Authentication, Denied> {
        req.extensions()
            .get::<Authentication>()
            .cloned()
            .ok_or_else(Denied::missing_middleware)
    }
}

impl fmt::Debug for Authentication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authentication")
            .field("authenticated", &self.authenticated)
            .field("credentials", &self.credentials)
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl FromRequest for Authentication {
    type Error = Denied;
    type Future = std::future::Ready<Result<Self, Denied>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Authentication::of(req))
    }
}
