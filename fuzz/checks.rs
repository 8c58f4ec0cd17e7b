//! What each fuzz target checks, shared by the `cargo fuzz` targets (which include this file)
//! and by `auth-core`'s corpus regression test (which includes it too), so the corpus kept in
//! the repository runs against the same assertions in every CI run.
//!
//! Each check takes arbitrary bytes, feeds them to a parser that sees attacker input, and
//! panics when the parser panics or its answer breaks an invariant.

#![allow(dead_code, reason = "each includer uses the checks it needs")]

use auth_core::basic::BasicCredentials;
use auth_core::{is_safe_next, HeaderList, RequestView};
use base64::Engine as _;

/// The headers of one request: the input split at `\n`, each part `name:value`.
fn headers(data: &[u8]) -> HeaderList {
    let pairs = data.split(|&byte| byte == b'\n').filter_map(|line| {
        let colon = line.iter().position(|&byte| byte == b':')?;
        let name = String::from_utf8(line[..colon].to_vec()).ok()?;
        Some((name, line[colon + 1..].to_vec()))
    });
    HeaderList::new(pairs.collect::<Vec<_>>())
}

/// `Authorization` header forms, as every backend reads them.
pub(crate) fn authorization(data: &[u8]) {
    let headers = headers(data);
    let request = RequestView::new("GET", "/", "", &headers);
    let count = request.headers("authorization").count();
    for scheme in ["Basic", "Bearer", "ApiKey"] {
        match request.authorization(scheme) {
            Ok(Some(credentials)) => {
                assert_eq!(count, 1, "credentials out of {count} headers");
                assert!(!credentials.is_empty(), "empty {scheme} credentials");
                assert_eq!(
                    credentials.trim_ascii(),
                    credentials,
                    "untrimmed credentials"
                );
                let value = request
                    .header("authorization")
                    .unwrap()
                    .unwrap()
                    .trim_ascii();
                assert!(value[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes()));
                assert!(matches!(value[scheme.len()], b' ' | b'\t'));
                assert!(value.ends_with(credentials));
            }
            Ok(None) => assert!(count <= 1, "{count} headers were not refused"),
            Err(_) => {}
        }
    }
}

/// Basic credentials: decoding and what the verifier is handed.
pub(crate) fn basic(data: &[u8]) {
    let Ok(credentials) = BasicCredentials::decode(data) else {
        return;
    };
    assert!(data.len() <= auth_core::basic::MAX_BASIC_CREDENTIALS_LEN);
    assert!(
        !credentials.username().contains(':'),
        "a colon in the username"
    );
    // What was decoded is exactly what the base64 held.
    let joined = format!("{}:{}", credentials.username(), credentials.password());
    let encoded = base64::engine::general_purpose::STANDARD_NO_PAD.encode(joined.as_bytes());
    let given: Vec<u8> = data.iter().copied().filter(|&byte| byte != b'=').collect();
    assert_eq!(
        encoded.as_bytes(),
        given.as_slice(),
        "decoding is not faithful"
    );
    // The password never appears in the debug output.
    if !credentials.password().is_empty() {
        let debug = format!("{credentials:?}");
        assert!(debug.contains("<redacted>"));
    }
}

/// The session cookie lookup: the cookie `name` (the input's first line; `id` when the input
/// has one line) from the `Cookie` headers (one per further line).
///
/// actix-session takes the first cookie of its name as actix-web parses them, percent-decoding
/// names and values; whenever that parse sees the name twice, the lookup must refuse the
/// request, or a planted cookie could pick the session.
pub(crate) fn cookie(data: &[u8]) {
    let (name, rest) = match data.iter().position(|&byte| byte == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&b"id"[..], data),
    };
    let Ok(name) = std::str::from_utf8(name) else {
        return;
    };
    let lines: Vec<&[u8]> = rest.split(|&byte| byte == b'\n').collect();
    let headers = HeaderList::new(lines.iter().map(|line| ("cookie", line)));
    let request = RequestView::new("GET", "/", "", &headers);
    let found = request.cookie(name);

    if let Ok(Some(value)) = found {
        assert!(!value.contains(';'), "a value spans two cookies");
        assert!(
            !value.starts_with('"') && !value.ends_with('"'),
            "{value:?}"
        );
    }
    let seen_by_actix = actix_cookies(&lines)
        .iter()
        .filter(|cookie| cookie.name() == name)
        .count();
    if seen_by_actix >= 2 {
        assert!(
            found.is_err(),
            "{seen_by_actix} {name:?} cookies, answered {found:?}"
        );
    }
}

/// The cookies of these `Cookie` header values as actix-web's `HttpRequest::cookies` reads
/// them, or none when a header is not UTF-8 (actix-session then sees no session cookie).
fn actix_cookies(headers: &[&[u8]]) -> Vec<cookie::Cookie<'static>> {
    let mut cookies = Vec::new();
    for header in headers {
        let Ok(text) = std::str::from_utf8(header) else {
            return Vec::new();
        };
        let pairs = text
            .split(';')
            .map(str::trim)
            .filter(|pair| !pair.is_empty());
        for pair in pairs {
            if let Ok(cookie) = cookie::Cookie::parse_encoded(pair) {
                cookies.push(cookie.into_owned());
            }
        }
    }
    cookies
}

/// The `next` value of a login: whatever passes must stay on the origin it is resolved
/// against, as a browser resolves it, both as given and after one more percent-decoding.
pub(crate) fn next(data: &[u8]) {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if !is_safe_next(value) {
        return;
    }
    assert_same_origin(value);
    let decoded: Vec<u8> = percent_decode(value.as_bytes());
    if let Ok(decoded) = std::str::from_utf8(&decoded) {
        assert_same_origin(decoded);
    }
}

/// Panics when a browser would resolve `value` against the site to another origin.
pub(crate) fn assert_same_origin(value: &str) {
    let base = url::Url::parse("https://app.example/area/page?x=1").unwrap();
    // Browsers strip tabs and newlines anywhere in a URL before resolving it; the url crate
    // does the same.
    // A value the URL parser refuses is not followed by a browser either.
    if let Ok(resolved) = base.join(value) {
        assert_eq!(
            resolved.origin(),
            base.origin(),
            "{value:?} resolves to {resolved}"
        );
    }
}

/// `bytes` with every `%` and two hex digits decoded, as a URL decoder does.
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |byte: u8| (byte as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = match bytes.get(index..index + 3) {
            Some([b'%', high, low]) => hex(*high).zip(hex(*low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    out
}

/// Scope expressions: evaluation agrees with a naive reference evaluator, and a satisfying
/// set, when offered, satisfies and is minimal.
///
/// Expressions hold `'static` parts, so the terms two levels down come from a universe built
/// once (every term of depth one over three names, and every list of up to three of them);
/// the expression under test is built on the stack from the input, which leaks nothing per run.
pub(crate) fn scope_expr(data: &[u8]) {
    use auth_core::{Credentials, ScopeExpr};

    let Some((&mask, rest)) = data.split_first() else {
        return;
    };
    let universe = scope_universe();
    let mut bytes = rest.iter().copied();
    let kind = bytes.next().unwrap_or(0);
    let mut pick = || universe.terms[usize::from(bytes.next().unwrap_or(0)) % universe.terms.len()];
    let length = usize::from(kind >> 2) % 4;
    let picked: Vec<ScopeExpr> = (0..length).map(|_| pick()).collect();
    let list = universe.list(&picked);
    let expr = match kind % 4 {
        0 => ScopeExpr::Scope(SCOPE_NAMES[usize::from(kind >> 4) % SCOPE_NAMES.len()]),
        1 => ScopeExpr::All(list),
        2 => ScopeExpr::Any(list),
        _ => ScopeExpr::Not(universe.term(pick())),
    };

    let granted: Vec<&str> = SCOPE_NAMES
        .iter()
        .enumerate()
        .filter(|(index, _)| mask & (1 << index) != 0)
        .map(|(_, name)| *name)
        .collect();
    let credentials = Credentials::from_iter(granted.iter().copied());
    let holds = reference_holds(&expr, &granted);
    assert_eq!(
        expr.is_satisfied_by(&credentials),
        holds,
        "{expr} with {granted:?}"
    );

    if let Some(added) = expr.satisfying_set(&credentials) {
        let with = |set: &[&'static str]| -> Vec<&str> {
            granted.iter().copied().chain(set.iter().copied()).collect()
        };
        assert!(
            reference_holds(&expr, &with(&added)),
            "{expr}: {added:?} does not satisfy"
        );
        assert_eq!(
            added.is_empty(),
            holds,
            "{expr} with {granted:?}: {added:?}"
        );
        for skip in 0..added.len() {
            let mut fewer = added.clone();
            fewer.remove(skip);
            assert!(
                !reference_holds(&expr, &with(&fewer)),
                "{expr}: {added:?} is not minimal"
            );
        }
    }
}

/// The scope names of [`scope_expr`]'s expressions.
const SCOPE_NAMES: [&str; 3] = ["a", "b", "c"];

/// Whether `expr` holds for `granted`, evaluated the obvious way.
pub(crate) fn reference_holds(expr: &auth_core::ScopeExpr, granted: &[&str]) -> bool {
    use auth_core::ScopeExpr;
    match expr {
        ScopeExpr::Scope(name) => granted.contains(name),
        ScopeExpr::All(terms) => {
            let mut all = true;
            for term in terms.iter() {
                all &= reference_holds(term, granted);
            }
            all
        }
        ScopeExpr::Any(terms) => {
            let mut any = false;
            for term in terms.iter() {
                any |= reference_holds(term, granted);
            }
            any
        }
        ScopeExpr::Not(term) => !reference_holds(term, granted),
    }
}

/// Every term of depth one over [`SCOPE_NAMES`] (a scope, `not` of a scope, `all` or `any` of
/// up to two scopes), and every list of up to three such terms, each with a `'static` home.
struct ScopeUniverse {
    terms: Vec<auth_core::ScopeExpr>,
    homes: Vec<&'static auth_core::ScopeExpr>,
    lists: std::collections::HashMap<Vec<usize>, &'static [auth_core::ScopeExpr]>,
}

impl ScopeUniverse {
    fn index(&self, term: auth_core::ScopeExpr) -> usize {
        self.terms
            .iter()
            .position(|known| *known == term)
            .expect("a term of the universe")
    }

    fn term(&self, term: auth_core::ScopeExpr) -> &'static auth_core::ScopeExpr {
        self.homes[self.index(term)]
    }

    fn list(&self, terms: &[auth_core::ScopeExpr]) -> &'static [auth_core::ScopeExpr] {
        let key: Vec<usize> = terms.iter().map(|term| self.index(*term)).collect();
        self.lists[&key]
    }
}

fn scope_universe() -> &'static ScopeUniverse {
    use auth_core::ScopeExpr;
    use std::sync::OnceLock;

    static UNIVERSE: OnceLock<ScopeUniverse> = OnceLock::new();
    UNIVERSE.get_or_init(|| {
        // Built once per process; what it leaks is bounded and stays reachable.
        let leak_list = |terms: Vec<ScopeExpr>| -> &'static [ScopeExpr] { Vec::leak(terms) };
        let scopes: Vec<ScopeExpr> = SCOPE_NAMES
            .iter()
            .map(|name| ScopeExpr::Scope(name))
            .collect();
        let mut small_lists = vec![Vec::new()];
        small_lists.extend(scopes.iter().map(|scope| vec![*scope]));
        for first in &scopes {
            for second in &scopes {
                small_lists.push(vec![*first, *second]);
            }
        }

        let mut terms = scopes.clone();
        for scope in &scopes {
            terms.push(ScopeExpr::Not(Box::leak(Box::new(*scope))));
        }
        for list in &small_lists {
            terms.push(ScopeExpr::All(leak_list(list.clone())));
            terms.push(ScopeExpr::Any(leak_list(list.clone())));
        }
        let homes = terms
            .iter()
            .map(|term| &*Box::leak(Box::new(*term)))
            .collect();

        let count = terms.len();
        let mut keys: Vec<Vec<usize>> = vec![Vec::new()];
        for _ in 0..3 {
            let longer: Vec<Vec<usize>> = keys
                .iter()
                .filter(|key| key.len() == keys.last().map_or(0, Vec::len))
                .flat_map(|key| {
                    (0..count).map(move |index| {
                        let mut key = key.clone();
                        key.push(index);
                        key
                    })
                })
                .collect();
            keys.extend(longer);
        }
        let lists = keys
            .into_iter()
            .map(|key| {
                let list = leak_list(key.iter().map(|&index| terms[index]).collect());
                (key, list)
            })
            .collect();
        ScopeUniverse {
            terms,
            homes,
            lists,
        }
    })
}

/// API keys: the form check, then the backend with one issued key, reading the header
/// `X-API-Key` and the query parameter `api_key`.
///
/// The input's first line is the query string, each further line a header; `KEY` anywhere
/// stands for the issued key, so that the fuzzer reaches the accepting path and its near
/// misses. The backend accepts only when exactly one place carries exactly that key.
#[cfg(feature = "api-key")]
pub(crate) fn api_key(data: &[u8]) {
    use auth_core::api_key::{ApiKeyBackend, MemoryKeyStore, PresentedKey, KEY_LEN};
    use auth_core::{AuthenticationBackend as _, Credentials, SimpleUser};
    use futures_util::FutureExt as _;
    use std::sync::OnceLock;

    if let Ok(key) = PresentedKey::parse(data) {
        assert_eq!(data.len(), KEY_LEN);
        assert!(data.starts_with(b"ak_"));
        assert!(key
            .id()
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')));
    }

    type Backend = ApiKeyBackend<MemoryKeyStore<SimpleUser>>;
    static ISSUED: OnceLock<(Backend, String)> = OnceLock::new();
    let (backend, key) = ISSUED.get_or_init(|| {
        let store = MemoryKeyStore::new();
        let issued = store
            .issue(SimpleUser::new("ada"), Credentials::from_iter(["read"]))
            .expect("the system's random source works");
        let backend = ApiKeyBackend::new(store).query_param("api_key");
        (backend, issued.into_key())
    });

    let data = replace(data, b"KEY", key.as_bytes());
    let (query, rest) = match data.iter().position(|&byte| byte == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..], &b""[..]),
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let headers = headers(rest);
    let request = RequestView::new("GET", "/", query, &headers);
    let answer = backend
        .authenticate(&request)
        .now_or_never()
        .expect("a memory store never waits");

    if let Ok(Some(found)) = answer {
        let in_header: Vec<&[u8]> = request.headers("x-api-key").collect();
        let in_query: Vec<&str> = query
            .split('&')
            .filter_map(|pair| pair.strip_prefix("api_key="))
            .collect();
        let presented = [
            in_header.as_slice(),
            &in_query
                .iter()
                .map(|value| value.as_bytes())
                .collect::<Vec<_>>(),
        ]
        .concat();
        assert_eq!(
            presented,
            [key.as_bytes()],
            "accepted {} key(s)",
            presented.len()
        );
        assert_eq!(found.user.username(), "ada");
    }
}

/// `data` with every `pattern` replaced by `with`.
fn replace(data: &[u8], pattern: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut index = 0;
    while index < data.len() {
        if data[index..].starts_with(pattern) {
            out.extend_from_slice(with);
            index += pattern.len();
        } else {
            out.push(data[index]);
            index += 1;
        }
    }
    out
}

/// Bearer tokens: a backend with a secret the input cannot know never accepts, never panics.
#[cfg(feature = "jwt")]
pub(crate) fn bearer_token(data: &[u8]) {
    use auth_core::jwt::{Algorithm, JwtBackend, KeySet};
    use futures_util::FutureExt as _;
    use std::sync::OnceLock;

    static BACKEND: OnceLock<JwtBackend<KeySet>> = OnceLock::new();
    let backend = BACKEND.get_or_init(|| {
        let keys = KeySet::hmac(b"a secret the fuzzer cannot guess, 32+ bytes").unwrap();
        JwtBackend::new(keys, [Algorithm::HS256]).unwrap()
    });
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let verified = backend
        .verify(token)
        .now_or_never()
        .expect("a key set never waits");
    assert!(verified.is_err(), "a forged token was accepted");
}
