//! Heap allocations per request: none in the chain's dispatch and the guard's decision, and
//! a known, small number in the middleware around them.

use actix_web::test::{self, TestRequest};
use actix_web::{web, App, HttpRequest, HttpResponse};
use allocation_counter::measure;
use auth_actix::{
    AuthError, Authenticated, AuthenticationBackend, AuthenticationMiddleware, Chain, Challenge,
    Credentials, HeaderList, Policy, RequestView, ScopeExpr, SimpleUser,
};
use futures_util::FutureExt as _;

/// A backend that claims requests carrying its header and never allocates in doing so.
struct Keyed {
    header: &'static str,
    credentials: Credentials,
    bearer: bool,
}

impl Keyed {
    fn new(header: &'static str) -> Self {
        Self {
            header,
            credentials: Credentials::from_iter(["authenticated", "notes:read"]),
            bearer: false,
        }
    }

    fn bearer(header: &'static str) -> Self {
        Self {
            bearer: true,
            ..Self::new(header)
        }
    }
}

impl AuthenticationBackend for Keyed {
    type User = SimpleUser;

    fn challenge(&self) -> Option<Challenge> {
        Some(Challenge::new(if self.bearer {
            "Bearer"
        } else {
            "ApiKey"
        }))
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        // An empty name and shared credentials: whatever allocates here is not the chain's.
        Ok(request
            .header(self.header)?
            .map(|_| Authenticated::new(SimpleUser::new(String::new()), self.credentials.clone())))
    }
}

type Four = Chain<(Keyed, Keyed, Keyed, Keyed)>;

fn four_backends() -> Four {
    Chain::new((
        Keyed::new("x-a"),
        Keyed::bearer("x-b"),
        Keyed::new("x-c"),
        Keyed::new("x-d"),
    ))
}

static FLAT: Policy = Policy::new("flat").scopes(&["authenticated", "notes:read"]);
static FLAT_MISSING: Policy = Policy::new("flat_missing").scopes(&["authenticated", "admin"]);
static NESTED: Policy = Policy::new("nested").expr(&ScopeExpr::All(&[
    ScopeExpr::Scope("notes:read"),
    ScopeExpr::Any(&[
        ScopeExpr::Scope("admin"),
        ScopeExpr::Not(&ScopeExpr::Scope("suspended")),
    ]),
]));
static NESTED_MISSING: Policy = Policy::new("nested_missing").expr(&ScopeExpr::Any(&[
    ScopeExpr::Scope("admin"),
    ScopeExpr::Not(&ScopeExpr::Scope("notes:read")),
]));

/// Counts the allocations of running `chain` on the request's headers and checking `policy`.
fn dispatch_and_decide(req: &HttpRequest, chain: &Four, policy: &'static Policy) -> (u64, bool) {
    let headers = HeaderList::new(
        req.headers()
            .iter()
            .map(|(name, value)| (name.as_str(), value.to_str().unwrap())),
    );
    let view = RequestView::new("GET", "/", "", &headers);
    let mut passed = false;
    let count = measure(|| {
        let outcome = chain.authenticate(&view).now_or_never();
        std::hint::black_box(outcome);
        passed = policy.check(req).is_ok();
    })
    .count_total;
    (count, passed)
}

/// Answers `allocations passed` for each policy, the counts made inside the middleware.
async fn probe(req: HttpRequest, chain: web::Data<Four>) -> HttpResponse {
    let mut body = String::new();
    for policy in [&FLAT, &FLAT_MISSING, &NESTED, &NESTED_MISSING] {
        let (count, passed) = dispatch_and_decide(&req, &chain, policy);
        body.push_str(&format!("{} {count} {passed}\n", policy.name()));
    }
    HttpResponse::Ok().body(body)
}

async fn probe_lines(header: Option<(&'static str, &'static str)>) -> Vec<(String, u64, bool)> {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(four_backends()))
            .route("/", web::get().to(probe))
            .wrap(AuthenticationMiddleware::new(four_backends())),
    )
    .await;
    let mut req = TestRequest::get().uri("/");
    if let Some(header) = header {
        req = req.insert_header(header);
    }
    let body = test::call_and_read_body(&app, req.to_request()).await;
    std::str::from_utf8(&body)
        .unwrap()
        .lines()
        .map(|line| {
            let mut fields = line.split(' ');
            let name = fields.next().unwrap().to_owned();
            let count = fields.next().unwrap().parse().unwrap();
            let passed = fields.next().unwrap() == "true";
            (name, count, passed)
        })
        .collect()
}

#[actix_web::test]
async fn dispatch_and_decision_do_not_allocate_for_a_user() {
    let lines = probe_lines(Some(("x-d", "yes"))).await;

    let outcomes: Vec<_> = lines
        .iter()
        .map(|(name, _, passed)| (&**name, *passed))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("flat", true),
            ("flat_missing", false),
            ("nested", true),
            ("nested_missing", false)
        ]
    );
    for (name, count, _) in &lines {
        assert_eq!(*count, 0, "{name}");
    }
}

#[actix_web::test]
async fn dispatch_and_decision_do_not_allocate_for_a_bearer_user() {
    // A bearer user refused for a scope gets an `insufficient_scope` challenge, built only
    // when the response is rendered.
    let lines = probe_lines(Some(("x-b", "yes"))).await;

    for (name, count, _) in &lines {
        assert_eq!(*count, 0, "{name}");
    }
}

#[actix_web::test]
async fn dispatch_and_decision_do_not_allocate_when_anonymous() {
    let lines = probe_lines(None).await;

    for (name, count, passed) in &lines {
        assert!(!passed, "{name}");
        assert_eq!(*count, 0, "{name}");
    }
}

async fn ok() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Allocations of one request through `app`, which never waits.
async fn per_request<S, B>(app: &S, header: Option<(&'static str, &'static str)>) -> u64
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
{
    let mut counts = Vec::new();
    // The first requests warm actix's pools; the last one is counted.
    for _ in 0..3 {
        let mut req = TestRequest::get().uri("/");
        if let Some(header) = header {
            req = req.insert_header(header);
        }
        let req = req.to_request();
        let mut answered = None;
        let count = measure(|| {
            answered = app.call(req).now_or_never();
        })
        .count_total;
        let response = answered.expect("the app never waits").unwrap();
        assert!(response.status().is_success());
        drop(response);
        counts.push(count);
    }
    counts[2]
}

#[actix_web::test]
async fn middleware_adds_few_allocations_per_request() {
    let bare = test::init_service(App::new().route("/", web::get().to(ok))).await;
    let wrapped = test::init_service(
        App::new()
            .route("/", web::get().to(ok))
            .wrap(AuthenticationMiddleware::new(four_backends())),
    )
    .await;

    let baseline = per_request(&bare, None).await;
    let anonymous = per_request(&wrapped, None).await;
    let user = per_request(&wrapped, Some(("x-d", "yes"))).await;

    println!("bare {baseline}, anonymous {anonymous}, user {user}");
    // The middleware's future is boxed (actix's `Service` needs a nameable future type), and
    // the stored authentication is one boxed extension, the user another.
    assert!(
        anonymous <= baseline + 2,
        "bare {baseline}, anonymous {anonymous}"
    );
    assert!(user <= baseline + 3, "bare {baseline}, user {user}");
}
