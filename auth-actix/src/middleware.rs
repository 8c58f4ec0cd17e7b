//! The middleware that runs the chain on every request.

use std::any::{Any, TypeId};
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::HeaderMap;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use auth_core::{
    AuthError, AuthUser, BackendList, Chain, ChainError, HeaderSource, Outcome, RequestView,
};
use futures_util::future::{FutureExt, LocalBoxFuture};

use crate::response::AuthFailure;
use crate::{Authentication, User, TARGET};

/// How long the chain may take before the request is refused with 503.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

type BoxedHandler =
    Arc<dyn Fn(HttpRequest, AuthFailure) -> LocalBoxFuture<'static, HttpResponse> + Send + Sync>;

/// Runs an authentication [`Chain`] on every request and stores the result for handlers.
///
/// Install it with `App::wrap`. Each request is authenticated before routing; a backend error
/// is answered by the error handler (by default [`AuthFailure`]'s own response) and never
/// reaches a handler. A backend that panics or outlasts the timeout fails closed with 503.
///
/// The timeout can only interrupt a backend that yields: run blocking work (password hashing,
/// a synchronous database driver) with `actix_web::web::block`, as the demo does.
///
/// Installing a second middleware inside the first (on a scope, say) replaces the outer
/// result for the routes it wraps, the user included.
///
/// Backends written for actix find the `HttpRequest` through
/// [`RequestView::extension`], which is how the session backend reaches the session.
///
/// # Examples
///
/// ```no_run
/// use actix_web::{web, App, HttpResponse, HttpServer};
/// use auth_actix::basic::{BasicBackend, BasicCredentials, BasicVerifier};
/// use auth_actix::{AuthError, Authenticated, AuthenticationMiddleware, Chain, Credentials, SimpleUser};
///
/// struct Verifier;
///
/// impl BasicVerifier for Verifier {
///     type User = SimpleUser;
///
///     async fn verify(
///         &self,
///         credentials: &BasicCredentials,
///     ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
///         Ok(None)
///     }
/// }
///
/// # #[actix_web::main]
/// # async fn main() -> std::io::Result<()> {
/// let auth = AuthenticationMiddleware::new(Chain::new(BasicBackend::new(Verifier)))
///     .on_error(|_req, failure| HttpResponse::Unauthorized().body(failure.message().to_owned()));
///
/// HttpServer::new(move || App::new().wrap(auth.clone()))
///     .bind(("127.0.0.1", 8000))?
///     .run()
///     .await
/// # }
/// ```
pub struct AuthenticationMiddleware<L> {
    shared: Arc<Shared<L>>,
}

struct Shared<L> {
    chain: Chain<L>,
    on_error: Option<BoxedHandler>,
    timeout: Duration,
}

impl<L: BackendList> AuthenticationMiddleware<L> {
    /// Authenticates every request with `chain`, answering errors with their default response.
    pub fn new(chain: Chain<L>) -> Self {
        Self {
            shared: Arc::new(Shared {
                chain,
                on_error: None,
                timeout: DEFAULT_TIMEOUT,
            }),
        }
    }

    /// Builds the response for backend errors with `handler`, a function or async function
    /// taking the request and the [`AuthFailure`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use auth_actix::{AuthenticationMiddleware, AuthFailure, Chain};
    /// # use actix_web::{HttpRequest, HttpResponse};
    /// # fn demo<L: auth_actix::BackendList>(chain: Chain<L>) {
    /// async fn as_json(_req: HttpRequest, failure: AuthFailure) -> HttpResponse {
    ///     HttpResponse::Unauthorized().json(serde_json::json!({ "error": failure.message() }))
    /// }
    ///
    /// let auth = AuthenticationMiddleware::new(chain).on_error(as_json);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// When called after the middleware was cloned: configure it before sharing it.
    pub fn on_error<F, R, M>(mut self, handler: F) -> Self
    where
        F: Fn(HttpRequest, AuthFailure) -> R + Send + Sync + 'static,
        R: ErrorResponse<M>,
    {
        self.shared_mut().on_error = Some(Arc::new(move |req, failure| {
            handler(req, failure).into_future()
        }));
        self
    }

    /// Refuses requests whose chain takes longer than `timeout` with 503 (10 s by default).
    ///
    /// # Panics
    ///
    /// When called after the middleware was cloned: configure it before sharing it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.shared_mut().timeout = timeout;
        self
    }

    fn shared_mut(&mut self) -> &mut Shared<L> {
        Arc::get_mut(&mut self.shared)
            .expect("configure AuthenticationMiddleware before cloning it")
    }
}

impl<L> Clone for AuthenticationMiddleware<L> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<L> fmt::Debug for AuthenticationMiddleware<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationMiddleware")
            .field("chain", &self.shared.chain)
            .field("timeout", &self.shared.timeout)
            .finish_non_exhaustive()
    }
}

impl<S, B, L> Transform<S, ServiceRequest> for AuthenticationMiddleware<L>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    L: BackendList + 'static,
    L::User: AuthUser + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Transform = AuthenticationService<S, L>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        std::future::ready(Ok(AuthenticationService {
            service: Rc::new(service),
            shared: Arc::clone(&self.shared),
        }))
    }
}

/// The service [`AuthenticationMiddleware`] wraps around an application.
pub struct AuthenticationService<S, L> {
    service: Rc<S>,
    shared: Arc<Shared<L>>,
}

impl<S, L> fmt::Debug for AuthenticationService<S, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationService")
            .field("chain", &self.shared.chain)
            .finish_non_exhaustive()
    }
}

impl<S, B, L> Service<ServiceRequest> for AuthenticationService<S, L>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    L: BackendList + 'static,
    L::User: AuthUser + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let shared = Arc::clone(&self.shared);

        async move {
            let slot = SessionCookieSlot::default();
            let outcome = shared.authenticate(&req, &slot).await;

            match outcome {
                Outcome::Failed(err) => return Ok(shared.refuse(req, err).await),
                Outcome::Anonymous => store(&req, &shared.chain, None),
                Outcome::Authenticated {
                    user,
                    credentials,
                    backend,
                    bearer,
                } => store(
                    &req,
                    &shared.chain,
                    Some((user, credentials, backend, bearer)),
                ),
            }

            let response = service.call(req).await?;
            #[cfg(feature = "session")]
            crate::session::order::check(&response, &slot);
            Ok(response.map_into_left_body())
        }
        .boxed_local()
    }
}

impl<L: BackendList> Shared<L>
where
    L::User: AuthUser,
{
    /// Runs the chain, turning a panic or a timeout into an "unavailable" error.
    async fn authenticate(
        &self,
        req: &ServiceRequest,
        slot: &SessionCookieSlot,
    ) -> Outcome<L::User> {
        let headers = Headers::new(req.headers());
        // Backends written for actix (such as the session backend) find the request here, and
        // the session backend its slot.
        let lent: [&dyn Any; 2] = [req.request(), slot];
        let view = RequestView::new(
            req.method().as_str(),
            req.path(),
            req.query_string(),
            &headers,
        )
        .with_peer_addr(req.peer_addr())
        .with_extensions(&lent);

        let current = Cell::new(0);
        let run = AssertUnwindSafe(self.chain.authenticate_tracked(&view, &current)).catch_unwind();
        // Most chains answer without waiting: the timer, which costs a registration with the
        // runtime's timer wheel, is armed only for a chain that has to wait.
        let mut run = std::pin::pin!(run);
        let first = std::future::poll_fn(|cx| Poll::Ready(run.as_mut().poll(cx))).await;
        let result = match first {
            Poll::Ready(done) => Ok(done),
            Poll::Pending => actix_web::rt::time::timeout(self.timeout, run).await,
        };

        let backend = self.chain.backend_names()[current.get()];
        match result {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_panic)) => unavailable(backend, "the backend panicked"),
            Err(_elapsed) => unavailable(backend, "the backend did not answer in time"),
        }
    }

    /// Answers a backend error with the configured handler, logging it first.
    async fn refuse<B>(
        &self,
        req: ServiceRequest,
        err: ChainError,
    ) -> ServiceResponse<EitherBody<B, BoxBody>>
    where
        B: MessageBody + 'static,
    {
        tracing::warn!(
            target: TARGET,
            backend = err.backend(),
            kind = ?err.error().kind(),
            method = %req.method(),
            path = req.path(),
            // Debug formatting escapes control characters, so a message cannot forge log lines.
            error = ?err.error().message(),
            cause = std::error::Error::source(err.error()).map(|cause| format!("{cause:?}")),
            "authentication failed"
        );

        let failure = AuthFailure(err);
        let (request, _payload) = req.into_parts();
        let response = match &self.on_error {
            Some(handler) => handler(request.clone(), failure).await,
            None => failure.error_response(),
        };
        ServiceResponse::new(request, response).map_into_right_body()
    }
}

/// Fails closed for a backend that panicked or never answered.
fn unavailable<U>(backend: &'static str, message: &'static str) -> Outcome<U> {
    tracing::error!(target: TARGET, backend, "{message}; refusing the request");
    Outcome::Failed(ChainError::new(backend, AuthError::unavailable(message)))
}

type Found<U> = (U, auth_core::Credentials, &'static str, bool);

fn store<L: BackendList>(req: &ServiceRequest, chain: &Chain<L>, found: Option<Found<L::User>>)
where
    L::User: AuthUser + 'static,
{
    let mut extensions = req.extensions_mut();
    let challenges = Arc::clone(chain.challenges());

    // A middleware nested inside another replaces its result whole: its user, or none.
    extensions.remove::<User<L::User>>();

    let Some((user, credentials, backend, bearer)) = found else {
        tracing::trace!(target: TARGET, outcome = "anonymous", "authentication");
        extensions.insert(Authentication {
            authenticated: false,
            credentials: auth_core::Credentials::none(),
            backend: None,
            bearer: false,
            user_type: None,
            challenges,
        });
        return;
    };

    let authenticated = user.is_authenticated();
    tracing::debug!(target: TARGET, backend, authenticated, "authentication");
    extensions.insert(Authentication {
        authenticated,
        // A user that says it is not authenticated gets no scopes, whatever its backend said.
        credentials: if authenticated {
            credentials
        } else {
            auth_core::Credentials::none()
        },
        backend: Some(backend),
        bearer,
        user_type: Some(TypeId::of::<L::User>()),
        challenges,
    });
    extensions.insert(User(user));
}

/// Where the session backend leaves its cookie's name for the response check, lent to the
/// chain for one request.
#[derive(Default)]
pub(crate) struct SessionCookieSlot(Cell<Option<Arc<str>>>);

#[cfg_attr(
    not(feature = "session"),
    allow(dead_code, reason = "only sessions use the slot")
)]
impl SessionCookieSlot {
    pub(crate) fn set(&self, name: Arc<str>) {
        self.0.set(Some(name));
    }

    pub(crate) fn take(&self) -> Option<Arc<str>> {
        self.0.take()
    }
}

/// actix's header map seen through the framework-neutral [`HeaderSource`].
///
/// A usual request has a handful of header lines and the chain looks several names up, some
/// twice (to refuse duplicates): the lines are listed once, on the stack, and each lookup
/// scans that list instead of walking the map again. Looking a `&str` up in the map would
/// make actix parse it into a `HeaderName` first, which allocates for a name outside the
/// standard set (`X-API-Key`, say). Past [`SCAN_LIMIT`] lines, lookups go to the map.
struct Headers<'a> {
    map: &'a HeaderMap,
    lines: [(&'a str, &'a [u8]); SCAN_LIMIT],
    /// How many of `lines` are filled; `None` when the request has more lines than fit.
    len: Option<usize>,
}

/// Up to this many header lines, lookups scan a list of them.
const SCAN_LIMIT: usize = 16;

impl<'a> Headers<'a> {
    fn new(map: &'a HeaderMap) -> Self {
        let mut lines = [("", &[][..]); SCAN_LIMIT];
        let mut len = 0;
        for (name, value) in map.iter() {
            let Some(line) = lines.get_mut(len) else {
                return Self {
                    map,
                    lines,
                    len: None,
                };
            };
            *line = (name.as_str(), value.as_bytes());
            len += 1;
        }
        Self {
            map,
            lines,
            len: Some(len),
        }
    }
}

impl HeaderSource for Headers<'_> {
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]> {
        // Names are stored lowercase and compared regardless of case; the values of one name
        // come in the same order either way.
        match self.len {
            Some(len) => self.lines[..len]
                .iter()
                .filter(|(stored, _)| stored.eq_ignore_ascii_case(name))
                .nth(index)
                .map(|&(_, value)| value),
            None => self
                .map
                .get_all(name)
                .nth(index)
                .map(|value| value.as_bytes()),
        }
    }
}

/// What an [`on_error`](AuthenticationMiddleware::on_error) handler returns: a response, or a
/// future of one.
///
/// `M` tells the two kinds apart and is inferred.
pub trait ErrorResponse<M>: 'static {
    /// Turns the handler's output into a future of the response.
    #[doc(hidden)]
    fn into_future(self) -> LocalBoxFuture<'static, HttpResponse>;
}

/// Marks an [`ErrorResponse`] that is a response already.
#[derive(Debug)]
pub enum SyncHandler {}

/// Marks an [`ErrorResponse`] that is a future of a response.
#[derive(Debug)]
pub enum AsyncHandler {}

impl ErrorResponse<SyncHandler> for HttpResponse {
    fn into_future(self) -> LocalBoxFuture<'static, HttpResponse> {
        std::future::ready(self).boxed_local()
    }
}

impl<F> ErrorResponse<AsyncHandler> for F
where
    F: Future<Output = HttpResponse> + 'static,
{
    fn into_future(self) -> LocalBoxFuture<'static, HttpResponse> {
        self.boxed_local()
    }
}
