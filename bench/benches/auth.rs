//! Micro-benchmarks of the chain, each backend, the guard's decision and `next` validation.
//!
//! `cargo bench -p auth-bench` runs them all; `cargo bench -p auth-bench -- basic` only the
//! argon2 ones, which are slow by design and reported on their own.

#![allow(
    missing_docs,
    reason = "criterion's macros write undocumented functions"
)]

use std::any::Any;
use std::hint::black_box;

use actix_web::test::TestRequest;
use auth_actix::api_key::ApiKeyBackend;
use auth_actix::basic::BasicBackend;
use auth_actix::session::SessionExt as _;
use auth_actix::{
    is_safe_next, AuthError, Authenticated, AuthenticationBackend, Chain, Credentials, HeaderList,
    RequestView, ScopeExpr, SimpleUser,
};
use auth_bench::{
    api_keys, hs256_backend, hs256_token, rs256_backend, rs256_backend_uncached, session_backend,
    Verifier, PASSWORD, USERNAME,
};
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use futures_util::FutureExt as _;

/// Runs a backend that never waits on one request.
fn answer<B: AuthenticationBackend>(
    backend: &B,
    request: &RequestView<'_>,
) -> Result<Option<Authenticated<B::User>>, AuthError> {
    backend
        .authenticate(request)
        .now_or_never()
        .expect("the benchmarked backends never wait")
}

/// A backend that claims requests carrying its header, the cheapest a backend can be.
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

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        Ok(request
            .header(self.header)?
            .map(|_| Authenticated::new(SimpleUser::new(String::new()), self.credentials.clone())))
    }
}

fn chain_dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain");
    let one = Chain::new(Keyed::new("x-a"));
    let four = Chain::new((
        Keyed::new("x-a"),
        Keyed::new("x-b"),
        Keyed::new("x-c"),
        Keyed::new("x-d"),
    ));
    let none = HeaderList::new([("accept", "*/*")]);
    let last = HeaderList::new([("x-d", "yes")]);
    let first = HeaderList::new([("x-a", "yes")]);

    for (name, headers) in [("anonymous", &none), ("first", &first)] {
        let request = RequestView::new("GET", "/", "", headers);
        group.bench_function(format!("1 backend/{name}"), |b| {
            b.iter(|| black_box(one.authenticate(black_box(&request)).now_or_never()))
        });
    }
    for (name, headers) in [("anonymous", &none), ("last", &last)] {
        let request = RequestView::new("GET", "/", "", headers);
        group.bench_function(format!("4 backends/{name}"), |b| {
            b.iter(|| black_box(four.authenticate(black_box(&request)).now_or_never()))
        });
    }
    group.finish();
}

fn bench_backend<B: AuthenticationBackend>(
    c: &mut Criterion,
    group: &str,
    backend: &B,
    cases: &[(&str, &HeaderList)],
) {
    let mut group = c.benchmark_group(group);
    for (name, headers) in cases {
        let request = RequestView::new("GET", "/guarded", "", *headers);
        group.bench_function(*name, |b| {
            b.iter(|| black_box(answer(backend, black_box(&request)).is_ok()))
        });
    }
    group.finish();
}

fn anonymous_headers() -> HeaderList {
    HeaderList::new([("accept", "*/*"), ("user-agent", "bench")])
}

fn api_key(c: &mut Criterion) {
    let (store, key) = api_keys();
    let backend = ApiKeyBackend::new(store);
    let anonymous = anonymous_headers();
    let valid = HeaderList::new([("x-api-key", key.as_str())]);
    let invalid = HeaderList::new([("x-api-key", auth_bench::UNKNOWN_API_KEY)]);
    assert!(answer(&backend, &RequestView::new("GET", "/", "", &valid))
        .unwrap()
        .is_some());

    bench_backend(
        c,
        "api_key",
        &backend,
        &[
            ("anonymous", &anonymous),
            ("valid", &valid),
            ("invalid", &invalid),
        ],
    );
}

fn jwt(c: &mut Criterion) {
    let anonymous = anonymous_headers();

    let hs256 = hs256_backend();
    let valid = HeaderList::new([("authorization", format!("Bearer {}", hs256_token()))]);
    let invalid = HeaderList::new([("authorization", format!("Bearer {}x", hs256_token()))]);
    assert!(answer(&hs256, &RequestView::new("GET", "/", "", &valid))
        .unwrap()
        .is_some());
    bench_backend(
        c,
        "jwt_hs256",
        &hs256,
        &[
            ("anonymous", &anonymous),
            ("valid", &valid),
            ("invalid", &invalid),
        ],
    );

    let (cached, token) = rs256_backend();
    let valid = HeaderList::new([("authorization", format!("Bearer {token}"))]);
    let invalid = HeaderList::new([("authorization", format!("Bearer {token}x"))]);
    bench_backend(
        c,
        "jwt_rs256_cached",
        &cached,
        &[
            ("anonymous", &anonymous),
            ("valid", &valid),
            ("invalid", &invalid),
        ],
    );

    let (uncached, token) = rs256_backend_uncached();
    let valid = HeaderList::new([("authorization", format!("Bearer {token}"))]);
    bench_backend(c, "jwt_rs256_uncached", &uncached, &[("valid", &valid)]);
}

fn session(c: &mut Criterion) {
    let backend = session_backend();
    let headers = anonymous_headers();
    let mut group = c.benchmark_group("session");

    // The session middleware has already loaded the session: this is the backend's own work.
    let logged_in = TestRequest::default().to_http_request();
    backend
        .login(&logged_in.get_session(), &SimpleUser::new(USERNAME))
        .unwrap();
    let anonymous = TestRequest::default().to_http_request();
    for (name, req) in [("anonymous", &anonymous), ("valid", &logged_in)] {
        let lent: [&dyn Any; 1] = [req];
        let view = RequestView::new("GET", "/guarded", "", &headers).with_extensions(&lent);
        group.bench_function(name, |b| {
            b.iter(|| black_box(answer(&backend, black_box(&view)).is_ok()))
        });
    }
    group.finish();
}

fn basic(c: &mut Criterion) {
    let backend = BasicBackend::new(Verifier::new());
    let encode = |user: &str, password: &str| {
        let pair = format!("{user}:{password}");
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    };
    let anonymous = anonymous_headers();
    let valid = HeaderList::new([("authorization", encode(USERNAME, PASSWORD))]);
    let invalid = HeaderList::new([("authorization", encode(USERNAME, "wrong"))]);

    let mut group = c.benchmark_group("basic_argon2");
    group.sample_size(10);
    for (name, headers) in [
        ("anonymous", &anonymous),
        ("valid", &valid),
        ("invalid", &invalid),
    ] {
        let request = RequestView::new("GET", "/guarded", "", headers);
        group.bench_function(name, |b| {
            b.iter(|| black_box(answer(&backend, black_box(&request)).is_ok()))
        });
    }
    group.finish();
}

static NESTED: ScopeExpr = ScopeExpr::All(&[
    ScopeExpr::Scope("notes:read"),
    ScopeExpr::Any(&[
        ScopeExpr::Scope("admin"),
        ScopeExpr::All(&[
            ScopeExpr::Scope("editor"),
            ScopeExpr::Not(&ScopeExpr::Scope("suspended")),
        ]),
    ]),
]);

fn decision(c: &mut Criterion) {
    let mut group = c.benchmark_group("decision");
    let granted = Credentials::from_iter([
        "authenticated",
        "editor",
        "notes:read",
        "notes:write",
        "profile",
    ]);
    let suspended = Credentials::from_iter(["authenticated", "editor", "notes:read", "suspended"]);

    group.bench_function("flat/1 scope pass", |b| {
        b.iter(|| black_box(&granted).has_all(black_box(&["notes:read"])))
    });
    group.bench_function("flat/3 scopes pass", |b| {
        b.iter(|| {
            black_box(&granted).has_all(black_box(&["authenticated", "notes:read", "profile"]))
        })
    });
    group.bench_function("flat/3 scopes fail", |b| {
        b.iter(|| black_box(&granted).has_all(black_box(&["authenticated", "notes:read", "admin"])))
    });
    group.bench_function("nested/pass", |b| {
        b.iter(|| black_box(&NESTED).is_satisfied_by(black_box(&granted)))
    });
    group.bench_function("nested/fail", |b| {
        b.iter(|| black_box(&NESTED).is_satisfied_by(black_box(&suspended)))
    });
    group.finish();
}

fn next(c: &mut Criterion) {
    let mut group = c.benchmark_group("next");
    for (name, value) in [
        ("safe", "/notes/42?tab=history"),
        ("unsafe", "//evil.example/login"),
        (
            "long",
            "/a/very/long/path/that/keeps/going/and/going/with/some/query?x=1&y=2&z=3",
        ),
    ] {
        group.bench_function(name, |b| b.iter(|| is_safe_next(black_box(value))));
    }
    group.finish();
}

fn guard_in_process(c: &mut Criterion) {
    use actix_web::dev::Service as _;
    use actix_web::{test, web, App, HttpResponse};
    use auth_actix::{requires, AuthenticationMiddleware};

    async fn bare() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    #[requires(scopes = ["notes:read"])]
    async fn guarded() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    let system = actix_web::rt::System::new();
    let (chain, issued) = auth_bench::full_chain(hs256_backend(), hs256_token());
    let bare_app = system.block_on(test::init_service(
        App::new().route("/", web::get().to(bare)),
    ));
    let auth_app = system.block_on(test::init_service(
        App::new()
            .route("/", web::get().to(guarded))
            .wrap(AuthenticationMiddleware::new(chain)),
    ));

    let mut group = c.benchmark_group("in_process");
    group.bench_function("bare", |b| {
        b.iter_batched(
            || TestRequest::get().uri("/").to_request(),
            |req| system.block_on(bare_app.call(req)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    for (name, header) in [
        ("api key", ("x-api-key", issued.api_key.clone())),
        (
            "jwt hs256",
            ("authorization", format!("Bearer {}", issued.token)),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    TestRequest::get()
                        .uri("/")
                        .insert_header(header.clone())
                        .to_request()
                },
                |req| {
                    let res = system.block_on(auth_app.call(req)).unwrap();
                    assert!(res.status().is_success());
                    res
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    chain_dispatch,
    api_key,
    jwt,
    session,
    decision,
    next,
    guard_in_process,
    basic
);
criterion_main!(benches);
