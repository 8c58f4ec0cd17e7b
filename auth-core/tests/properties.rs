//! Properties of the chain, of `next` validation and of scope expressions, each checked on
//! generated inputs against an independent statement of what the answer must be.

use auth_core::{
    is_safe_next, AuthError, Authenticated, AuthenticationBackend, Chain, Credentials, ErrorKind,
    HeaderList, Outcome, RequestView, ScopeExpr, SimpleUser,
};
use futures_util::FutureExt as _;
use proptest::prelude::*;

/// What a scripted backend answers.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    NotMine,
    User(&'static str),
    Error(ErrorKind),
}

/// A backend that answers what its script says.
#[derive(Debug)]
struct Scripted {
    name: &'static str,
    answer: Answer,
}

impl AuthenticationBackend for Scripted {
    type User = SimpleUser;

    fn name(&self) -> &'static str {
        self.name
    }

    async fn authenticate(
        &self,
        _request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        match &self.answer {
            Answer::NotMine => Ok(None),
            Answer::User(user) => Ok(Some(Authenticated::new(
                SimpleUser::new(*user),
                Credentials::from_iter([*user]),
            ))),
            Answer::Error(kind) => Err(AuthError::new(*kind, "scripted")),
        }
    }
}

/// The decision of a chain, reduced to what a response depends on.
#[derive(Debug, PartialEq)]
enum Decision {
    Anonymous,
    User(String, &'static str, Vec<String>),
    Failed(&'static str, ErrorKind),
}

const NAMES: [&str; 5] = ["one", "two", "three", "four", "five"];

/// Runs a five-backend chain whose backends answer `answers`, named by `names`, in order.
fn decide(backends: &[(&'static str, Answer)]) -> Decision {
    let [a, b, c, d, e] = std::array::from_fn(|index| Scripted {
        name: backends[index].0,
        answer: backends[index].1.clone(),
    });
    let chain = Chain::new((a, b, c, d, e));
    let headers = HeaderList::default();
    let request = RequestView::new("GET", "/", "", &headers);

    let outcome = chain
        .authenticate(&request)
        .now_or_never()
        .expect("scripted backends never wait");
    match outcome {
        Outcome::Anonymous => Decision::Anonymous,
        Outcome::Authenticated {
            user,
            credentials,
            backend,
            ..
        } => Decision::User(
            user.username().to_owned(),
            backend,
            credentials.iter().map(str::to_owned).collect(),
        ),
        Outcome::Failed(err) => Decision::Failed(err.backend(), err.error().kind()),
    }
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        3 => Just(Answer::NotMine),
        1 => prop_oneof![Just("ada"), Just("bob")].prop_map(Answer::User),
        1 => prop_oneof![
            Just(ErrorKind::Malformed),
            Just(ErrorKind::Rejected),
            Just(ErrorKind::Unavailable),
        ]
        .prop_map(Answer::Error),
    ]
}

/// A chain's backends: each one's name and answer, in order.
type Backends = Vec<(&'static str, Answer)>;

/// Five named answers, and the same backends with the "not mine" ones moved anywhere while
/// the deciding ones keep their relative order.
fn chain_and_reordering() -> impl Strategy<Value = (Backends, Backends)> {
    (
        prop::collection::vec(answer(), 5),
        Just(NAMES.to_vec()).prop_shuffle(),
        prop::collection::vec(any::<bool>(), 5).prop_shuffle(),
    )
        .prop_map(|(answers, names, slots)| {
            let original: Vec<_> = names.into_iter().zip(answers).collect();
            let (not_mine, mut deciding): (Vec<_>, Vec<_>) = original
                .iter()
                .cloned()
                .partition(|(_, answer)| *answer == Answer::NotMine);

            // Deal the deciding backends, in order, onto as many slots as they need; the rest
            // go to "not mine" backends, in reverse, so that their order changes too.
            let mut not_mine = not_mine;
            deciding.reverse();
            let needed = deciding.len();
            let mut taken = 0;
            let reordered = (0..5)
                .map(|index| {
                    let left = 5 - index;
                    let must_decide = needed - taken == left;
                    let may_decide = taken < needed;
                    if must_decide || (may_decide && slots[index]) {
                        taken += 1;
                        deciding.pop().unwrap()
                    } else {
                        not_mine.pop().unwrap()
                    }
                })
                .collect();
            (original, reordered)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Where the "not mine" backends sit in the chain never changes its decision, which is
    /// the first deciding backend's answer.
    #[test]
    fn chain_decision_ignores_the_order_of_not_mine_backends(
        (original, reordered) in chain_and_reordering()
    ) {
        let first = original.iter().find(|(_, answer)| *answer != Answer::NotMine);
        let expected = match first {
            None => Decision::Anonymous,
            Some((name, Answer::User(user))) => {
                Decision::User((*user).to_owned(), name, vec![(*user).to_owned()])
            }
            Some((name, Answer::Error(kind))) => Decision::Failed(name, *kind),
            Some((_, Answer::NotMine)) => unreachable!(),
        };

        prop_assert_eq!(decide(&original), expected);
        prop_assert_eq!(decide(&reordered), decide(&original));
    }
}

/// Pieces that URL parsers treat specially, to build `next` values from.
fn next_piece() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        "/",
        "//",
        "\\",
        "/\\",
        ".",
        "..",
        ":",
        "@",
        "?",
        "#",
        "%",
        "%2F",
        "%2f",
        "%5C",
        "%5c",
        "%09",
        "%0A",
        "%0d",
        "%00",
        "%25",
        "%2e",
        "\t",
        "\n",
        "\r",
        " ",
        "\u{0}",
        "\u{7f}",
        "\u{85}",
        "\u{a0}",
        "\u{3000}",
        "\u{ff0f}",
        "\u{2215}",
        "é",
        "evil.example",
        "evil.example:443",
        "https:",
        "http:",
        "javascript:",
        "data:",
        "file:",
        "app.example",
        "user:pass@",
        "[::1]",
        "127.0.0.1",
        "a",
        "x=1",
    ]);
    prop_oneof![
        4 => special.prop_map(str::to_owned),
        1 => "\\PC{0,4}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn next_value() -> impl Strategy<Value = String> {
    prop::collection::vec(next_piece(), 0..8).prop_map(|pieces| pieces.concat())
}

/// Whether a browser on `https://app.example/login` would leave the origin following
/// `value`, as the `url` crate (WHATWG URL parsing) resolves it.
fn leaves_the_origin(value: &str) -> bool {
    let base = url::Url::parse("https://app.example/login").unwrap();
    match base.join(value) {
        Ok(resolved) => resolved.origin() != base.origin(),
        // A browser does not follow a value its URL parser refuses.
        Err(_) => false,
    }
}

/// `value` percent-decoded once, where it stays UTF-8.
fn decoded_once(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        // Two hex digits exactly (`from_str_radix` would also take a sign, as in `%+A`).
        let digit = |byte: &u8| (*byte as char).to_digit(16);
        let hex = match bytes.get(index + 1..index + 3) {
            Some([high, low]) => digit(high).zip(digit(low)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// No value that `is_safe_next` accepts takes a browser to another origin, whether the
    /// login page uses it as is or after one more percent-decoding.
    #[test]
    fn next_never_accepts_another_origin(value in next_value()) {
        if is_safe_next(&value) {
            prop_assert!(!leaves_the_origin(&value), "{:?} leaves the origin", value);
            if let Some(decoded) = decoded_once(&value) {
                prop_assert!(!leaves_the_origin(&decoded), "{:?} decoded leaves", value);
            }
        }
    }

    /// Whatever `is_safe_next` accepts is a path on this origin: it starts with one slash.
    #[test]
    fn next_accepts_only_rooted_paths(value in "\\PC{0,40}") {
        if is_safe_next(&value) {
            prop_assert!(value.starts_with('/') && !value.starts_with("//"));
            prop_assert!(!leaves_the_origin(&value));
        }
    }
}

/// An owned expression, evaluated here the obvious way and turned into a `ScopeExpr`.
#[derive(Clone, Debug)]
enum Expr {
    Scope(&'static str),
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    /// The reference evaluation: straight from the meaning of each form.
    fn holds(&self, granted: &[&str]) -> bool {
        match self {
            Expr::Scope(name) => granted.contains(name),
            Expr::All(terms) => terms.iter().filter(|term| !term.holds(granted)).count() == 0,
            Expr::Any(terms) => terms.iter().filter(|term| term.holds(granted)).count() > 0,
            Expr::Not(term) => !term.holds(granted),
        }
    }

    /// The product's form; leaked, since its parts are `'static` (a few thousand small cases).
    fn to_static(&self) -> &'static ScopeExpr {
        let expr = match self {
            Expr::Scope(name) => ScopeExpr::Scope(name),
            Expr::All(terms) => ScopeExpr::All(Self::leak_all(terms)),
            Expr::Any(terms) => ScopeExpr::Any(Self::leak_all(terms)),
            Expr::Not(term) => ScopeExpr::Not(term.to_static()),
        };
        Box::leak(Box::new(expr))
    }

    fn leak_all(terms: &[Expr]) -> &'static [ScopeExpr] {
        Vec::leak(terms.iter().map(|term| *term.to_static()).collect())
    }
}

const SCOPES: [&str; 4] = ["read", "write", "admin", "suspended"];

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop::sample::select(SCOPES.to_vec()).prop_map(Expr::Scope);
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::All),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::Any),
            inner.prop_map(|term| Expr::Not(Box::new(term))),
        ]
    })
}

fn granted() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(SCOPES.to_vec(), 0..=SCOPES.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Evaluation agrees with the reference evaluator, and a satisfying set, when one is
    /// offered, satisfies, is empty exactly when nothing is missing, and is minimal.
    #[test]
    fn scope_expr_agrees_with_the_reference(expr in expr(), granted in granted()) {
        let product = expr.to_static();
        let credentials = Credentials::from_iter(granted.iter().copied());
        let holds = expr.holds(&granted);

        prop_assert_eq!(product.is_satisfied_by(&credentials), holds, "{}", product);

        if let Some(added) = product.satisfying_set(&credentials) {
            let with = |set: &[&'static str]| -> Vec<&str> {
                granted.iter().copied().chain(set.iter().copied()).collect()
            };
            prop_assert!(expr.holds(&with(&added)), "{}: {:?}", product, added);
            prop_assert_eq!(added.is_empty(), holds, "{}: {:?}", product, added);
            for skip in 0..added.len() {
                let mut fewer = added.clone();
                fewer.remove(skip);
                prop_assert!(!expr.holds(&with(&fewer)), "{}: {:?} not minimal", product, added);
            }
        }
    }
}
