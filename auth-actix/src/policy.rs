//! The decision a guard makes: who may pass, and how the others are answered.

use actix_web::error::UrlGenerationError;
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};
use std::fmt;

use auth_core::{is_safe_next, is_websocket_upgrade, Challenge, Credentials, ScopeExpr};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::response::Denied;
use crate::{Authentication, TARGET};

/// Everything but RFC 3986's unreserved characters is encoded in a `next` value.
const NEXT_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Where a guard sends anonymous browsers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// A named route of the application, resolved at request time to its path.
    ///
    /// An external resource (`App::external_resource`) is the one exception: the redirect then
    /// goes to its full URL, which the application itself configured.
    Route(&'static str),
    /// A local path such as `/login`.
    Path(&'static str),
}

impl Redirect {
    /// Whether the target stays on this site and keeps the `next` parameter: the rules
    /// `#[requires(redirect = ..)]` checks at compile time, for policies built by hand.
    const fn check(self) -> Result<(), &'static str> {
        match self {
            Redirect::Path(path) => {
                let bytes = path.as_bytes();
                if bytes.is_empty() || bytes[0] != b'/' {
                    return Err("a redirect path must start with `/`");
                }
                if bytes.len() > 1 && (bytes[1] == b'/' || bytes[1] == b'\\') {
                    return Err("a redirect path starting with `//` or `/\\` leaves this site");
                }
                let mut at = 0;
                let mut query = false;
                while at < bytes.len() {
                    // A parameter starts after the `?`, an `&` or (for some parsers) a `;`.
                    let starts_parameter = query && matches!(bytes[at - 1], b'?' | b'&' | b';');
                    if starts_parameter && is_next_parameter(bytes, at) {
                        return Err(
                            "a redirect path cannot carry its own `next` parameter; the guard adds it",
                        );
                    }
                    match bytes[at] {
                        b'?' => query = true,
                        b'\\' => return Err("a redirect path cannot hold `\\`"),
                        b'#' => return Err("a redirect path cannot hold a `#` fragment"),
                        byte if byte <= b' ' || byte == 0x7f => {
                            return Err(
                                "a redirect path cannot hold whitespace or control characters",
                            )
                        }
                        byte if byte >= 0x80 => {
                            return Err("a redirect path holds only ASCII; percent-encode the rest")
                        }
                        b':' if at + 2 < bytes.len()
                            && bytes[at + 1] == b'/'
                            && bytes[at + 2] == b'/' =>
                        {
                            return Err("a redirect path cannot hold `://`")
                        }
                        _ => {}
                    }
                    at += 1;
                }
                Ok(())
            }
            Redirect::Route(name) => {
                let bytes = name.as_bytes();
                if bytes.is_empty() {
                    return Err("a redirect route name cannot be empty");
                }
                let mut at = 0;
                while at < bytes.len() {
                    if !matches!(bytes[at], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b':')
                    {
                        return Err("a redirect route name may hold only ASCII letters, digits, `_`, `-`, `.` and `:`");
                    }
                    at += 1;
                }
                Ok(())
            }
        }
    }
}

/// Whether the query parameter starting at `at` is named `next`, as written or with some of
/// its letters percent-encoded (`%6Eext`), as a form decoder would read it.
const fn is_next_parameter(bytes: &[u8], at: usize) -> bool {
    let name = b"next";
    let mut read = at;
    let mut matched = 0;
    while matched < name.len() {
        if read >= bytes.len() {
            return false;
        }
        let byte = if bytes[read] == b'%' && read + 2 < bytes.len() {
            match (hex_digit(bytes[read + 1]), hex_digit(bytes[read + 2])) {
                (Some(high), Some(low)) => {
                    read += 3;
                    high * 16 + low
                }
                _ => return false,
            }
        } else {
            read += 1;
            bytes[read - 1]
        };
        if byte != name[matched] {
            return false;
        }
        matched += 1;
    }
    read == bytes.len() || matches!(bytes[read], b'=' | b'&' | b';')
}

/// The value of one hexadecimal digit.
const fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Panics on a scope `#[requires]` would refuse: empty, or holding anything but the
/// characters of an OAuth scope token (RFC 6749: visible ASCII but `"` and `\`).
const fn check_scope(scope: &str) {
    let bytes = scope.as_bytes();
    assert!(!bytes.is_empty(), "a policy's scope cannot be empty");
    let mut at = 0;
    while at < bytes.len() {
        assert!(
            bytes[at].is_ascii_graphic() && bytes[at] != b'"' && bytes[at] != b'\\',
            "a policy's scope may hold only visible ASCII characters other than `\"` and `\\`"
        );
        at += 1;
    }
}

/// Panics on an expression `#[requires]` would refuse: an empty `any` or `all`, or a scope
/// [`check_scope`] refuses.
const fn check_expr(expr: &ScopeExpr) {
    match expr {
        ScopeExpr::Scope(scope) => check_scope(scope),
        ScopeExpr::Not(term) => check_expr(term),
        ScopeExpr::Any(terms) | ScopeExpr::All(terms) => {
            assert!(
                !terms.is_empty(),
                "a policy's `any` or `all` needs at least one term"
            );
            let mut at = 0;
            while at < terms.len() {
                check_expr(&terms[at]);
                at += 1;
            }
        }
    }
}

/// What a guard requires, and how it answers those who do not meet it.
///
/// `#[requires(...)]` compiles to a `static` policy; build one by hand for code paths that
/// cannot carry the attribute, or to guard a whole scope with [`Guarded`](crate::Guarded).
/// A policy holds only `'static` data, so checking it allocates nothing until it refuses.
///
/// # Examples
///
/// ```
/// use auth_actix::{Policy, Redirect};
/// use actix_web::{HttpRequest, HttpResponse};
///
/// static ADMIN: Policy = Policy::new("admin_panel")
///     .scopes(&["admin"])
///     .redirect(Redirect::Path("/login"));
///
/// async fn admin_panel(req: HttpRequest) -> actix_web::Result<HttpResponse> {
///     ADMIN.check(&req)?;
///     Ok(HttpResponse::Ok().body("welcome"))
/// }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    handler: &'static str,
    scopes: &'static [&'static str],
    expr: Option<&'static ScopeExpr>,
    status_code: Option<u16>,
    redirect: Option<Redirect>,
}

impl Policy {
    /// A policy that requires an authenticated user; `handler` names it in log lines.
    pub const fn new(handler: &'static str) -> Self {
        Self {
            handler,
            scopes: &[],
            expr: None,
            status_code: None,
            redirect: None,
        }
    }

    /// Also requires every one of these scopes.
    ///
    /// # Panics
    ///
    /// When a scope is empty or holds whitespace, control characters, `"`, `\` or non-ASCII
    /// characters, as `#[requires]` refuses at compile time, and when called a second time,
    /// which would replace the first list. In a `static`, that is a compile error too.
    #[track_caller]
    pub const fn scopes(mut self, scopes: &'static [&'static str]) -> Self {
        assert!(
            self.scopes.is_empty(),
            "a policy's scopes are given in one call; a second would replace the first"
        );
        let mut at = 0;
        while at < scopes.len() {
            check_scope(scopes[at]);
            at += 1;
        }
        self.scopes = scopes;
        self
    }

    /// Also requires that the granted scopes satisfy this expression.
    ///
    /// # Examples
    ///
    /// ```
    /// use auth_actix::{Policy, ScopeExpr};
    ///
    /// // any("admin", all("editor", not("suspended")))
    /// static EDIT: Policy = Policy::new("edit").expr(&ScopeExpr::Any(&[
    ///     ScopeExpr::Scope("admin"),
    ///     ScopeExpr::All(&[
    ///         ScopeExpr::Scope("editor"),
    ///         ScopeExpr::Not(&ScopeExpr::Scope("suspended")),
    ///     ]),
    /// ]));
    /// ```
    ///
    /// # Panics
    ///
    /// When an `any` or `all` has no terms (an empty `all` would admit every user, an empty
    /// `any` none) or a scope is empty or holds whitespace, as `#[requires]` refuses at
    /// compile time, and when called a second time, which would replace the first expression
    /// (combine them with `ScopeExpr::All`). In a `static`, that is a compile error too.
    #[track_caller]
    pub const fn expr(mut self, expr: &'static ScopeExpr) -> Self {
        assert!(
            self.expr.is_none(),
            "a policy's expression is given in one call; combine several with ScopeExpr::All"
        );
        check_expr(expr);
        self.expr = Some(expr);
        self
    }

    /// Answers refused requests with this status instead of 401 or 403.
    ///
    /// # Panics
    ///
    /// Unless the status is between 400 and 599 (any other would not refuse the request), and
    /// when called a second time. In a `static`, that is a compile error:
    ///
    /// ```compile_fail
    /// # use auth_actix::Policy;
    /// static HIDDEN: Policy = Policy::new("hidden").status_code(200);
    /// ```
    #[track_caller]
    pub const fn status_code(mut self, status_code: u16) -> Self {
        assert!(
            self.status_code.is_none(),
            "a policy's status code is given once"
        );
        assert!(
            400 <= status_code && status_code <= 599,
            "a policy's status code must be between 400 and 599, the statuses that refuse a request"
        );
        self.status_code = Some(status_code);
        self
    }

    /// Redirects anonymous browsers to a login page, with the original path in `next`.
    ///
    /// # Panics
    ///
    /// When the target could leave this site or lose the `next` parameter, by the rules
    /// `#[requires(redirect = ..)]` checks at compile time: a path must start with a single
    /// `/`, hold only ASCII and no `\`, `://`, `#`, whitespace or control characters, and no
    /// `next` parameter of its own (the guard adds it); a route name holds
    /// only ASCII letters, digits, `_`, `-`, `.` and `:`. Also when called a second time. In a
    /// `static`, that is a compile error:
    ///
    /// ```compile_fail
    /// # use auth_actix::{Policy, Redirect};
    /// static EVIL: Policy = Policy::new("evil").redirect(Redirect::Path("//evil.example"));
    /// ```
    #[track_caller]
    pub const fn redirect(mut self, redirect: Redirect) -> Self {
        assert!(self.redirect.is_none(), "a policy's redirect is given once");
        if let Err(problem) = redirect.check() {
            panic!("{}", problem);
        }
        self.redirect = Some(redirect);
        self
    }

    /// The name of the handler or scope this policy guards, as given to [`Policy::new`].
    pub fn name(&self) -> &'static str {
        self.handler
    }

    /// The scopes this policy requires, all of them; see also [`Policy::required_expr`].
    pub fn required_scopes(&self) -> &'static [&'static str] {
        self.scopes
    }

    /// The expression the granted scopes must also satisfy, if any.
    pub fn required_expr(&self) -> Option<&'static ScopeExpr> {
        self.expr
    }

    /// The status refused requests get instead of 401 or 403, if set.
    pub fn status_code_override(&self) -> Option<u16> {
        self.status_code
    }

    /// Where anonymous browsers are sent, if anywhere.
    pub fn redirect_target(&self) -> Option<Redirect> {
        self.redirect
    }

    /// Whether `auth`'s scopes meet the policy's scope requirements; false when anonymous.
    pub(crate) fn admits(&self, auth: &Authentication) -> bool {
        auth.authenticated
            && auth.credentials.has_all(self.scopes)
            && self
                .expr
                .is_none_or(|expr| expr.is_satisfied_by(&auth.credentials))
    }

    /// Decides whether `req` may pass.
    ///
    /// # Errors
    ///
    /// The refusal, which renders as the response to send: see [`Denied`].
    pub fn check(&self, req: &HttpRequest) -> Result<(), Denied> {
        // Read in place: a request that passes copies nothing out of the extensions.
        let refused = {
            let extensions = req.extensions();
            let auth = extensions
                .get::<Authentication>()
                .ok_or_else(Denied::missing_middleware)?;
            let allowed = self.admits(auth);

            tracing::debug!(
                target: TARGET,
                handler = self.handler,
                backend = auth.backend,
                required_scopes = %ScopeRequirement(self),
                outcome = if allowed { "allowed" } else { "denied" },
                "authorization decision"
            );
            (!allowed).then(|| auth.clone())
        };
        // The refusal may need the extensions mutably (a redirect reads the connection info).
        match refused {
            None => Ok(()),
            Some(auth) => Err(self.refuse(req, &auth)),
        }
    }

    fn refuse(&self, req: &HttpRequest, auth: &Authentication) -> Denied {
        if !auth.authenticated {
            if let Some(redirect) = self.redirect.filter(|_| is_browser(req)) {
                return login_redirect(req, redirect);
            }
            return match self.status_code {
                Some(code) => Denied::status(code, auth),
                None => Denied::anonymous(auth),
            };
        }
        if let Some(code) = self.status_code {
            return Denied::status(code, auth);
        }
        if auth.bearer {
            Denied::insufficient_scope(*self, auth.credentials.clone())
        } else {
            Denied::forbidden(None)
        }
    }

    /// The refusal of an authenticated user whom an object check turned away: 403, or the
    /// policy's status code.
    pub(crate) fn forbid(&self, auth: &Authentication) -> Denied {
        match self.status_code {
            Some(code) => Denied::status(code, auth),
            None => Denied::forbidden(None),
        }
    }

    /// The bearer challenge naming scopes that, added, would satisfy the policy.
    ///
    /// The missing scopes of the plain list come first, then a minimal set for the expression
    /// ([`ScopeExpr::satisfying_set`]). When only giving up a scope would help (a `not` term),
    /// the challenge carries no `scope` parameter at all: there is nothing to ask for.
    pub(crate) fn insufficient_scope(&self, credentials: &Credentials) -> Challenge {
        let challenge = Challenge::new("Bearer").param("error", "insufficient_scope");
        let mut wanted: Vec<&str> = credentials.missing(self.scopes).collect();
        match self.expr.map(|expr| expr.satisfying_set(credentials)) {
            Some(None) => return challenge,
            Some(Some(extra)) => {
                for scope in extra {
                    if !wanted.contains(&scope) {
                        wanted.push(scope);
                    }
                }
            }
            None => {}
        }
        challenge.param("scope", &wanted.join(" "))
    }
}

/// The scope requirement of a policy as `#[requires]` writes it, for log lines and the audit:
/// `all("a", any("b", not("c")))`, or `authenticated` when there is none.
#[derive(Debug)]
pub(crate) struct ScopeRequirement<'a>(pub(crate) &'a Policy);

impl fmt::Display for ScopeRequirement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Policy { scopes, expr, .. } = self.0;
        let plain = scopes.iter().map(|scope| ScopeExpr::Scope(scope));
        let terms: Vec<ScopeExpr> = match expr {
            Some(ScopeExpr::All(terms)) => plain.chain(terms.iter().copied()).collect(),
            Some(expr) => plain.chain([**expr]).collect(),
            None => plain.collect(),
        };
        if terms.is_empty() {
            return f.write_str("authenticated");
        }
        // `ScopeExpr::All` wants `'static` terms; format the list by hand instead.
        f.write_str("all(")?;
        for (index, term) in terms.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{term}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for Policy {
    /// Writes the policy in the form `#[requires]` takes its arguments, for audits and logs:
    /// `scopes = all("admin"), status_code = 404, redirect = "/login"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scopes.is_empty() && self.expr.is_none() {
            f.write_str("authenticated")?;
        } else {
            write!(f, "scopes = {}", ScopeRequirement(self))?;
        }
        if let Some(code) = self.status_code {
            write!(f, ", status_code = {code}")?;
        }
        match self.redirect {
            Some(Redirect::Route(name)) => write!(f, ", redirect = route {name:?}"),
            Some(Redirect::Path(path)) => write!(f, ", redirect = {path:?}"),
            None => Ok(()),
        }
    }
}

/// A 303 to the login page with the original path and query as a percent-encoded `next`.
fn login_redirect(req: &HttpRequest, redirect: Redirect) -> Denied {
    let mut location = match redirect {
        Redirect::Path(path) => path.to_owned(),
        Redirect::Route(name) => match route_location(req, name) {
            Ok(location) => location,
            Err(denied) => return denied,
        },
    };

    // A request target that is not a plain local path (`//host`, say) is never echoed back.
    let original = req
        .uri()
        .path_and_query()
        .map_or("/", |target| target.as_str());
    if is_safe_next(original) {
        let fragment = location.find('#').map(|at| location.split_off(at));
        let separator = match location.find('?') {
            None => "?",
            Some(at) if at + 1 == location.len() || location.ends_with('&') => "",
            Some(_) => "&",
        };
        location.push_str(separator);
        location.push_str("next=");
        location.extend(utf8_percent_encode(original, NEXT_VALUE));
        location.extend(fragment);
    }
    Denied::redirect(location)
}

/// The path of a named route, or its full URL for an external resource.
fn route_location(req: &HttpRequest, name: &str) -> Result<String, Denied> {
    let url = match req.url_for_static(name) {
        Ok(url) => url,
        // The URL is built from the Host header, which the client controls.
        Err(UrlGenerationError::ParseError(_)) => {
            return Err(Denied::bad_request("invalid Host header"))
        }
        Err(err) => {
            tracing::error!(
                target: TARGET,
                route = name,
                error = %err,
                "the redirect of a guard names a route that does not exist or needs parameters"
            );
            return Err(Denied::internal());
        }
    };

    let conn = req.connection_info();
    let local = url::Url::parse(&format!("{}://{}", conn.scheme(), conn.host()))
        .is_ok_and(|base| base.origin() == url.origin());
    if !local {
        return Ok(url.into());
    }
    let path = url.path();
    // A route under a scope of "/" resolves to `//login`, which a browser reads as the host
    // `login`: never send it.
    if !path.starts_with('/') || path.starts_with("//") || path.starts_with("/\\") {
        tracing::error!(
            target: TARGET,
            route = name,
            path,
            "the redirect of a guard names a route whose path would leave this site"
        );
        return Err(Denied::internal());
    }
    let mut location = path.to_owned();
    if let Some(query) = url.query() {
        location.push('?');
        location.push_str(query);
    }
    Ok(location)
}

/// Whether the caller is a browser that can follow a login redirect: not a WebSocket
/// handshake, and not a client whose `Accept` prefers JSON over HTML.
fn is_browser(req: &HttpRequest) -> bool {
    let upgrade = req.headers().get_all(header::UPGRADE);
    if is_websocket_upgrade(upgrade.map(|value| value.as_bytes())) {
        return false;
    }

    let mut html = MediaPreference::default();
    let mut json = MediaPreference::default();
    for value in req.headers().get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else {
            continue;
        };
        for range in value.split(',') {
            html.consider(range, "text", |sub| sub.eq_ignore_ascii_case("html"));
            json.consider(range, "application", |sub| {
                sub.eq_ignore_ascii_case("json") || sub.to_ascii_lowercase().ends_with("+json")
            });
        }
    }
    !json.beats(&html)
}

/// The quality a client gives one media type: the most specific matching range wins.
#[derive(Default)]
struct MediaPreference {
    specificity: u8,
    quality: f32,
}

impl MediaPreference {
    /// A higher quality wins; at equal quality, a more specific range does, so that
    /// `application/json, */*` prefers JSON.
    fn beats(&self, other: &MediaPreference) -> bool {
        // A quality of 0 means "not acceptable": it never wins.
        self.quality > other.quality
            || (self.quality > 0.0
                && self.quality == other.quality
                && self.specificity > other.specificity)
    }

    fn consider(&mut self, range: &str, kind: &str, subtype_matches: impl Fn(&str) -> bool) {
        let mut params = range.split(';');
        let media = params.next().unwrap_or("").trim();
        let Some((range_kind, range_sub)) = media.split_once('/') else {
            return;
        };
        let specificity = match (range_kind, range_sub) {
            ("*", "*") => 1,
            (k, "*") if k.eq_ignore_ascii_case(kind) => 2,
            (k, sub) if k.eq_ignore_ascii_case(kind) && subtype_matches(sub) => 3,
            _ => return,
        };
        let quality = params
            .filter_map(|param| {
                let (name, value) = param.split_once('=')?;
                name.trim().eq_ignore_ascii_case("q").then_some(value)
            })
            .find_map(|q| q.trim().parse::<f32>().ok())
            .filter(|q| (0.0..=1.0).contains(q))
            .unwrap_or(1.0);

        if specificity > self.specificity
            || (specificity == self.specificity && quality > self.quality)
        {
            self.specificity = specificity;
            self.quality = quality;
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn browser(accept: Option<&str>) -> bool {
        let mut req = TestRequest::default();
        if let Some(accept) = accept {
            req = req.insert_header((header::ACCEPT, accept));
        }
        is_browser(&req.to_http_request())
    }

    #[test]
    fn accept_preferring_html_or_absent_is_a_browser() {
        assert!(browser(None));
        assert!(browser(Some("*/*")));
        assert!(browser(Some("text/html,application/xhtml+xml,*/*;q=0.8")));
        assert!(browser(Some("application/json;q=0.5, text/html")));
        assert!(browser(Some("application/json, text/html")));
        assert!(browser(Some("application/json;q=0")));
    }

    #[test]
    fn accept_preferring_json_is_an_api_client() {
        assert!(!browser(Some("application/json")));
        assert!(!browser(Some("application/json, text/html;q=0.9")));
        assert!(!browser(Some("application/problem+json")));
        assert!(!browser(Some("application/*, text/*;q=0.1")));
        assert!(!browser(Some("application/json, text/plain, */*")));
        assert!(!browser(Some("application/json;Q=0.9, text/html;q=0.5")));
    }

    #[test]
    fn policy_displays_in_the_attribute_syntax() {
        static EXPR: ScopeExpr = ScopeExpr::Any(&[
            ScopeExpr::Scope("admin"),
            ScopeExpr::Not(&ScopeExpr::Scope("suspended")),
        ]);
        let bare = Policy::new("bare");
        let plain = Policy::new("plain")
            .scopes(&["a", "b"])
            .status_code(404)
            .redirect(Redirect::Path("/login"));
        let both = Policy::new("both").scopes(&["a"]).expr(&EXPR);

        assert_eq!(bare.to_string(), "authenticated");
        assert_eq!(
            plain.to_string(),
            r#"scopes = all("a", "b"), status_code = 404, redirect = "/login""#
        );
        assert_eq!(
            both.to_string(),
            r#"scopes = all("a", any("admin", not("suspended")))"#
        );
    }

    #[test]
    fn websocket_handshake_is_never_redirected() {
        for upgrade in ["websocket", "h2c, WebSocket"] {
            let req = TestRequest::default()
                .insert_header((header::UPGRADE, upgrade))
                .insert_header((header::ACCEPT, "text/html"))
                .to_http_request();

            assert!(!is_browser(&req), "{upgrade}");
        }
    }

    fn location(redirect: Redirect, target: &str) -> String {
        let req = TestRequest::get().uri(target).to_http_request();
        let response = actix_web::ResponseError::error_response(&login_redirect(&req, redirect));
        let location = response.headers().get(header::LOCATION).unwrap();
        location.to_str().unwrap().to_owned()
    }

    #[test]
    fn next_is_added_to_the_query_before_any_fragment() {
        assert_eq!(
            location(Redirect::Path("/login"), "/a?b=1"),
            "/login?next=%2Fa%3Fb%3D1"
        );
        assert_eq!(
            location(Redirect::Path("/login?x=1"), "/a"),
            "/login?x=1&next=%2Fa"
        );
        assert_eq!(
            location(Redirect::Path("/login?"), "/a"),
            "/login?next=%2Fa"
        );
        assert_eq!(
            location(Redirect::Path("/login#form"), "/a"),
            "/login?next=%2Fa#form"
        );
    }

    /// Builds a policy at run time, where the `const` checks panic instead of failing to
    /// compile.
    fn refused(build: impl FnOnce() -> Policy + std::panic::UnwindSafe) -> bool {
        std::panic::catch_unwind(build).is_err()
    }

    #[test]
    fn hand_built_policies_refuse_redirects_that_leave_the_site() {
        for path in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "/a\\b",
            "/login#form",
            "/log in",
            "/login\r\nSet-Cookie: a=b",
            "/go?to=https://evil.example",
            "/login?next=/x",
            "/login?a=1&next",
            "/login?%6Eext=/x",
            "/login?nex%74=1",
            "/login?a=1;next=/x",
            "/\u{3000}/evil.example",
            "/\u{85}x",
            "/caf\u{e9}",
        ] {
            assert!(
                refused(|| Policy::new("p").redirect(Redirect::Path(path))),
                "{path:?}"
            );
        }
        for name in ["", "log in", "https://evil.example", "/login", "a/b"] {
            assert!(
                refused(|| Policy::new("p").redirect(Redirect::Route(name))),
                "{name:?}"
            );
        }
        for path in [
            "/login",
            "/login?x=1",
            "/auth/sign-in",
            "/connexion-%C3%A9",
            "/next",
            "/login?%6Eextpage=2",
            "/a?nextpage=2&b=next",
        ] {
            assert!(
                !refused(|| Policy::new("p").redirect(Redirect::Path(path))),
                "{path:?}"
            );
        }
        for name in ["login", "auth.login", "auth:login-form_2"] {
            assert!(
                !refused(|| Policy::new("p").redirect(Redirect::Route(name))),
                "{name:?}"
            );
        }
    }

    #[test]
    fn hand_built_policies_take_each_setting_once() {
        static A: ScopeExpr = ScopeExpr::Scope("a");
        // A second call would silently replace the first: `.scopes(&["admin"])` followed by
        // `.scopes(&["authenticated"])` would admit every signed-in user.
        assert!(refused(|| Policy::new("p")
            .scopes(&["admin"])
            .scopes(&["authenticated"])));
        assert!(refused(|| Policy::new("p").expr(&A).expr(&A)));
        assert!(refused(|| Policy::new("p")
            .status_code(404)
            .status_code(403)));
        assert!(refused(|| Policy::new("p")
            .redirect(Redirect::Path("/a"))
            .redirect(Redirect::Route("b"))));
        assert!(!refused(|| Policy::new("p")
            .scopes(&["admin"])
            .expr(&A)
            .status_code(404)
            .redirect(Redirect::Route("login"))));
    }

    #[actix_web::test]
    async fn a_route_resolving_to_a_protocol_relative_path_is_never_a_location() {
        use actix_web::{test, web, App, HttpResponse};

        async fn locate(req: HttpRequest, name: web::Path<String>) -> String {
            let resolved = req.url_for_static(&name).map(|url| url.path().to_owned());
            let location = route_location(&req, &name).unwrap_or_else(|_| "refused".to_owned());
            format!("{location} from {}", resolved.unwrap_or_default())
        }
        // A resource `/login` under a scope of "/" resolves to `//login`.
        let app = test::init_service(
            App::new()
                .service(
                    web::scope("/")
                        .service(web::resource("/login").name("login").to(HttpResponse::Ok)),
                )
                .service(web::resource("/sign-in").name("fine").to(HttpResponse::Ok))
                .route("/where/{name}", web::get().to(locate)),
        )
        .await;

        for (name, expected) in [
            ("login", "refused from //login"),
            ("fine", "/sign-in from /sign-in"),
        ] {
            let req = test::TestRequest::get()
                .uri(&format!("/where/{name}"))
                .to_request();
            let body = test::call_and_read_body(&app, req).await;
            assert_eq!(body, expected.as_bytes(), "{name}");
        }
    }

    #[test]
    fn hand_built_policies_refuse_status_codes_that_do_not_refuse() {
        for code in [0, 99, 200, 204, 302, 399, 600] {
            assert!(
                refused(move || Policy::new("p").status_code(code)),
                "{code}"
            );
        }
        for code in [400, 404, 418, 503, 599] {
            assert!(
                !refused(move || Policy::new("p").status_code(code)),
                "{code}"
            );
        }
    }

    #[test]
    fn hand_built_policies_refuse_empty_combinators_and_blank_scopes() {
        static EMPTY_ALL: ScopeExpr = ScopeExpr::All(&[]);
        static NESTED_EMPTY_ANY: ScopeExpr = ScopeExpr::Not(&ScopeExpr::All(&[
            ScopeExpr::Scope("a"),
            ScopeExpr::Any(&[]),
        ]));
        static BLANK: ScopeExpr = ScopeExpr::Any(&[ScopeExpr::Scope("a"), ScopeExpr::Scope(" ")]);
        static FINE: ScopeExpr = ScopeExpr::Any(&[
            ScopeExpr::Scope("admin"),
            ScopeExpr::Not(&ScopeExpr::Scope("suspended")),
        ]);

        for expr in [&EMPTY_ALL, &NESTED_EMPTY_ANY, &BLANK] {
            assert!(refused(|| Policy::new("p").expr(expr)), "{expr}");
        }
        assert!(!refused(|| Policy::new("p").expr(&FINE)));
        for scopes in [
            &[""][..],
            &["a b"],
            &["ok", "tab\there"],
            &["a\"b"],
            &["\u{e9}"],
        ] {
            assert!(refused(|| Policy::new("p").scopes(scopes)), "{scopes:?}");
        }
        assert!(!refused(
            || Policy::new("p").scopes(&["notes:read", "admin"])
        ));
    }

    #[test]
    fn unsafe_request_targets_are_not_echoed_as_next() {
        assert_eq!(
            location(Redirect::Path("/login"), "//evil.example"),
            "/login"
        );
    }
}
