//! The ordered chain of backends.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::{AuthError, Authenticated, AuthenticationBackend, Challenge, Credentials, RequestView};

/// One or more backends, asked in order: a single backend or a tuple of up to eight.
///
/// Every backend of the list must produce the same user type: when they differ, the compiler
/// only says that the tuple does not implement `BackendList`. Use one user type (an enum, say)
/// for all of them. The dispatch is resolved at compile time, so running the list allocates
/// nothing of its own.
pub trait BackendList {
    /// The user type all backends of this list produce.
    type User;

    /// Each backend's name and challenge, in order.
    fn describe(&self, out: &mut Vec<(&'static str, Option<Challenge>)>);

    /// Asks each backend in turn, stopping at the first user or the first error.
    ///
    /// The index tells which backend answered; `current` holds the index of the backend being
    /// asked, so a caller can name the one that panicked or never answered.
    #[allow(clippy::type_complexity, reason = "an internal step, named only here")]
    fn run(
        &self,
        request: &RequestView<'_>,
        current: &Cell<usize>,
    ) -> impl Future<Output = Result<Option<(Authenticated<Self::User>, usize)>, (AuthError, usize)>>;
}

impl<B: AuthenticationBackend> BackendList for B {
    type User = B::User;

    fn describe(&self, out: &mut Vec<(&'static str, Option<Challenge>)>) {
        out.push((self.name(), self.challenge()));
    }

    async fn run(
        &self,
        request: &RequestView<'_>,
        current: &Cell<usize>,
    ) -> Result<Option<(Authenticated<B::User>, usize)>, (AuthError, usize)> {
        current.set(0);
        match self.authenticate(request).await {
            Ok(found) => Ok(found.map(|found| (found, 0))),
            Err(err) => Err((err, 0)),
        }
    }
}

macro_rules! tuple_backend_list {
    ($($index:tt $backend:ident),+) => {
        impl<U, $($backend),+> BackendList for ($($backend,)+)
        where
            $($backend: AuthenticationBackend<User = U>,)+
        {
            type User = U;

            fn describe(&self, out: &mut Vec<(&'static str, Option<Challenge>)>) {
                $(out.push((self.$index.name(), self.$index.challenge()));)+
            }

            async fn run(
                &self,
                request: &RequestView<'_>,
                current: &Cell<usize>,
            ) -> Result<Option<(Authenticated<U>, usize)>, (AuthError, usize)> {
                $(
                    current.set($index);
                    match self.$index.authenticate(request).await {
                        Ok(None) => {}
                        Ok(Some(found)) => return Ok(Some((found, $index))),
                        Err(err) => return Err((err, $index)),
                    }
                )+
                Ok(None)
            }
        }
    };
}

tuple_backend_list!(0 A);
tuple_backend_list!(0 A, 1 B);
tuple_backend_list!(0 A, 1 B, 2 C);
tuple_backend_list!(0 A, 1 B, 2 C, 3 D);
tuple_backend_list!(0 A, 1 B, 2 C, 3 D, 4 E);
tuple_backend_list!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
tuple_backend_list!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
tuple_backend_list!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);

/// An ordered chain of authentication backends with Starlette's semantics, extended to many.
///
/// Each backend is asked in turn: "not mine" moves on to the next, the first user found wins,
/// and the first error stops the chain (it is never downgraded to anonymous) and names the
/// backend that raised it. When every backend says "not mine", the request is anonymous.
///
/// # Examples
///
/// ```
/// # use auth_core::{AuthError, Authenticated, AuthenticationBackend, RequestView, SimpleUser};
/// # struct Session;
/// # struct Basic;
/// # impl AuthenticationBackend for Session {
/// #     type User = SimpleUser;
/// #     async fn authenticate(&self, _: &RequestView<'_>)
/// #         -> Result<Option<Authenticated<SimpleUser>>, AuthError> { Ok(None) }
/// # }
/// # impl AuthenticationBackend for Basic {
/// #     type User = SimpleUser;
/// #     async fn authenticate(&self, _: &RequestView<'_>)
/// #         -> Result<Option<Authenticated<SimpleUser>>, AuthError> { Ok(None) }
/// # }
/// use auth_core::Chain;
///
/// // Session first, then Basic.
/// let chain = Chain::new((Session, Basic));
/// assert_eq!(chain.len(), 2);
/// ```
pub struct Chain<L> {
    backends: L,
    names: Box<[&'static str]>,
    defaults: Box<[Option<Challenge>]>,
    challenges: Arc<[Challenge]>,
}

impl<L: BackendList> Chain<L> {
    /// Builds the chain, reading each backend's name and challenge once.
    pub fn new(backends: L) -> Self {
        let mut described = Vec::new();
        backends.describe(&mut described);
        let (names, defaults): (Vec<_>, Vec<_>) = described.into_iter().unzip();
        let challenges = defaults.iter().flatten().cloned().collect();

        Self {
            backends,
            names: names.into(),
            defaults: defaults.into(),
            challenges,
        }
    }

    /// Runs the chain on one request.
    pub async fn authenticate(&self, request: &RequestView<'_>) -> Outcome<L::User> {
        self.authenticate_tracked(request, &Cell::new(0)).await
    }

    /// Runs the chain on one request, keeping in `current` the index of the backend being asked.
    ///
    /// An adapter that stops the chain from outside (a timeout, a caught panic) reads `current`
    /// to name the backend at fault with [`backend_names`](Self::backend_names).
    pub async fn authenticate_tracked(
        &self,
        request: &RequestView<'_>,
        current: &Cell<usize>,
    ) -> Outcome<L::User> {
        match self.backends.run(request, current).await {
            Ok(None) => Outcome::Anonymous,
            Ok(Some((found, index))) => Outcome::Authenticated {
                user: found.user,
                credentials: found.credentials,
                backend: self.names[index],
                bearer: self.defaults[index]
                    .as_ref()
                    .is_some_and(Challenge::is_bearer),
            },
            Err((mut error, index)) => {
                if error.kind() == crate::ErrorKind::Rejected {
                    error.fill_challenge(self.defaults[index].as_ref());
                }
                Outcome::Failed(ChainError {
                    backend: self.names[index],
                    error,
                })
            }
        }
    }

    /// The challenge of every challenge-capable backend, in chain order, for a 401.
    pub fn challenges(&self) -> &Arc<[Challenge]> {
        &self.challenges
    }

    /// The backends' names, in chain order.
    pub fn backend_names(&self) -> &[&'static str] {
        &self.names
    }

    /// How many backends the chain holds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the chain holds no backend (never true: a list holds at least one).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl<L> fmt::Debug for Chain<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chain")
            .field("backends", &self.names)
            .field("challenges", &self.challenges)
            .finish()
    }
}

/// What the chain decided for one request.
#[derive(Debug)]
pub enum Outcome<U> {
    /// Every backend said "not mine".
    Anonymous,
    /// A backend authenticated the request.
    Authenticated {
        /// The user the backend found.
        user: U,
        /// The scopes the backend granted.
        credentials: Credentials,
        /// The name of the backend that found the user.
        backend: &'static str,
        /// Whether that backend's scheme is `Bearer` (for `insufficient_scope` answers).
        bearer: bool,
    },
    /// A backend found credentials of its kind and could not accept them.
    Failed(ChainError),
}

/// A backend's error, with the name of the backend that raised it.
#[derive(Debug)]
pub struct ChainError {
    backend: &'static str,
    error: AuthError,
}

impl ChainError {
    /// The name of the backend that raised the error.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// The error itself; for a rejection, its challenge defaults to the backend's own.
    pub fn error(&self) -> &AuthError {
        &self.error
    }

    /// Builds an error attributed to `backend`, for adapters that catch panics or timeouts.
    pub fn new(backend: &'static str, error: AuthError) -> Self {
        Self { backend, error }
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "backend {}: {}", self.backend, self.error)
    }
}

impl std::error::Error for ChainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use futures_util::FutureExt;

    use super::*;
    use crate::{ErrorKind, HeaderList, SimpleUser};

    /// A backend whose answer is fixed, counting how often it is asked.
    struct Fixed {
        name: &'static str,
        answer: fn() -> Result<Option<Authenticated<SimpleUser>>, AuthError>,
        challenge: Option<&'static str>,
        calls: Cell<u32>,
    }

    impl Fixed {
        fn new(
            name: &'static str,
            answer: fn() -> Result<Option<Authenticated<SimpleUser>>, AuthError>,
        ) -> Self {
            Self {
                name,
                answer,
                challenge: None,
                calls: Cell::new(0),
            }
        }

        fn with_scheme(mut self, scheme: &'static str) -> Self {
            self.challenge = Some(scheme);
            self
        }
    }

    impl AuthenticationBackend for Fixed {
        type User = SimpleUser;

        fn name(&self) -> &'static str {
            self.name
        }

        fn challenge(&self) -> Option<Challenge> {
            self.challenge
                .map(|scheme| Challenge::new(scheme).param("realm", self.name))
        }

        async fn authenticate(
            &self,
            _request: &RequestView<'_>,
        ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
            self.calls.set(self.calls.get() + 1);
            (self.answer)()
        }
    }

    fn not_mine() -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        Ok(None)
    }

    fn ada() -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        Ok(Some(Authenticated::new(
            SimpleUser::new("ada"),
            Credentials::from_iter(["authenticated"]),
        )))
    }

    fn bob() -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        Ok(Some(Authenticated::new(
            SimpleUser::new("bob"),
            Credentials::none(),
        )))
    }

    fn wrong() -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        Err(AuthError::rejected("wrong password"))
    }

    fn run<L: BackendList>(chain: &Chain<L>) -> Outcome<L::User> {
        let headers = HeaderList::default();
        let request = RequestView::new("GET", "/", "", &headers);
        chain
            .authenticate(&request)
            .now_or_never()
            .expect("fixed backends never wait")
    }

    #[test]
    fn chain_of_not_mine_is_anonymous() {
        let chain = Chain::new((Fixed::new("a", not_mine), Fixed::new("b", not_mine)));

        assert!(matches!(run(&chain), Outcome::Anonymous));
    }

    #[test]
    fn chain_first_user_wins() {
        let chain = Chain::new((
            Fixed::new("a", not_mine),
            Fixed::new("b", ada),
            Fixed::new("c", bob),
        ));

        let Outcome::Authenticated { user, backend, .. } = run(&chain) else {
            panic!("expected a user");
        };

        assert_eq!(user.username(), "ada");
        assert_eq!(backend, "b");
        assert_eq!(chain.backends.2.calls.get(), 0);
    }

    #[test]
    fn chain_first_error_stops_and_names_its_backend() {
        let chain = Chain::new((
            Fixed::new("session", not_mine),
            Fixed::new("basic", wrong).with_scheme("Basic"),
            Fixed::new("fallback", ada),
        ));

        let Outcome::Failed(err) = run(&chain) else {
            panic!("expected an error");
        };

        assert_eq!(err.backend(), "basic");
        assert_eq!(err.error().kind(), ErrorKind::Rejected);
        assert_eq!(err.to_string(), "backend basic: wrong password");
        assert_eq!(chain.backends.2.calls.get(), 0);
    }

    #[test]
    fn chain_error_is_never_downgraded_to_anonymous() {
        let chain = Chain::new((Fixed::new("a", wrong), Fixed::new("b", not_mine)));

        assert!(matches!(run(&chain), Outcome::Failed(_)));
    }

    #[test]
    fn chain_rejection_carries_the_failing_backends_challenge() {
        let chain = Chain::new((
            Fixed::new("token", not_mine).with_scheme("Bearer"),
            Fixed::new("basic", wrong).with_scheme("Basic"),
        ));

        let Outcome::Failed(err) = run(&chain) else {
            panic!("expected an error");
        };

        let challenge = err.error().challenge().expect("a challenge");
        assert_eq!(challenge.value(), r#"Basic realm="basic""#);
        assert_eq!(chain.challenges().len(), 2);
    }

    #[test]
    fn chain_reports_bearer_users() {
        let chain = Chain::new(Fixed::new("token", ada).with_scheme("Bearer"));

        assert!(matches!(
            run(&chain),
            Outcome::Authenticated { bearer: true, .. }
        ));
    }

    #[test]
    fn chain_lists_challenges_in_order_skipping_schemeless_backends() {
        let chain = Chain::new((
            Fixed::new("session", not_mine),
            Fixed::new("token", not_mine).with_scheme("Bearer"),
            Fixed::new("basic", not_mine).with_scheme("Basic"),
        ));

        let schemes: Vec<_> = chain.challenges().iter().map(Challenge::scheme).collect();

        assert_eq!(schemes, ["Bearer", "Basic"]);
        assert_eq!(chain.backend_names(), ["session", "token", "basic"]);
    }
}
