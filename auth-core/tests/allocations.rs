//! The chain's dispatch allocates nothing of its own on the heap.

use allocation_counter::measure;
use auth_core::{
    AuthError, Authenticated, AuthenticationBackend, Chain, Challenge, Credentials, HeaderList,
    Outcome, RequestView, SimpleUser,
};
use futures_util::FutureExt;

/// A backend that claims requests carrying its header and never allocates in doing so.
struct Keyed {
    header: &'static str,
    credentials: Credentials,
}

impl Keyed {
    fn new(header: &'static str) -> Self {
        Self {
            header,
            credentials: Credentials::from_iter(["authenticated"]),
        }
    }
}

impl AuthenticationBackend for Keyed {
    type User = SimpleUser;

    fn challenge(&self) -> Option<Challenge> {
        Some(Challenge::new("Bearer").param("realm", self.header))
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        // An empty name and shared credentials: whatever allocates here is the chain's.
        Ok(request
            .header(self.header)?
            .map(|_| Authenticated::new(SimpleUser::new(String::new()), self.credentials.clone())))
    }
}

fn four_backends() -> Chain<(Keyed, Keyed, Keyed, Keyed)> {
    Chain::new((
        Keyed::new("x-a"),
        Keyed::new("x-b"),
        Keyed::new("x-c"),
        Keyed::new("x-d"),
    ))
}

fn allocations(chain: &Chain<(Keyed, Keyed, Keyed, Keyed)>, headers: &HeaderList) -> u64 {
    let request = RequestView::new("GET", "/", "", headers);
    measure(|| {
        let outcome = chain.authenticate(&request).now_or_never();
        assert!(outcome.is_some());
        std::hint::black_box(outcome);
    })
    .count_total
}

#[test]
fn anonymous_dispatch_through_four_backends_does_not_allocate() {
    let chain = four_backends();
    let headers = HeaderList::new([("accept", "*/*")]);

    assert_eq!(allocations(&chain, &headers), 0);
}

#[test]
fn dispatch_to_the_last_backend_does_not_allocate() {
    let chain = four_backends();
    let headers = HeaderList::new([("x-d", "yes")]);

    assert_eq!(allocations(&chain, &headers), 0);
}

#[test]
fn counter_sees_allocations() {
    // Guards the two tests above against a counter that never counts.
    let count = measure(|| {
        std::hint::black_box(Credentials::from_iter(["a"]));
    })
    .count_total;

    assert!(count > 0);
    let _ = Outcome::<SimpleUser>::Anonymous;
}
