//! Detection of a `SessionMiddleware` installed inside the authentication middleware.
//!
//! actix runs the last `.wrap` first. When `SessionMiddleware` is wrapped before (inside) the
//! authentication middleware, the chain runs before the session is loaded: the session
//! backend sees an empty session and every request is anonymous, which fails closed but
//! breaks every login. The session backend leaves the cookie's name in a slot the middleware
//! lends it for the request (no allocation, no request extension). When the response reaches
//! the authentication middleware, the session middleware ran inside it if:
//!
//! - the response already sets the session cookie, or
//! - the session was renewed (as `login` does) and is already empty while the response sets
//!   a cookie: `SessionMiddleware` takes the state out of the session when it writes its
//!   cookie, so only one that ran inside can have emptied it; `login` leaves it non-empty.
//!
//! Either is logged as an error. The second catches a login through a `SessionMiddleware`
//! whose cookie name the backend does not know; other requests through it cannot be told
//! from anonymous ones (the session it loads is not there yet when the chain runs, and its
//! cookie is not recognised).

use std::sync::Arc;

use actix_session::{SessionExt as _, SessionStatus};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::SET_COOKIE;
use auth_core::RequestView;

use crate::middleware::SessionCookieSlot;
use crate::TARGET;

/// Notes in the slot the middleware lent that the response should not carry the session
/// cookie yet; outside the middleware there is nothing to check.
pub(super) fn expect_cookie(request: &RequestView<'_>, name: &Arc<str>) {
    if let Some(slot) = request.extension::<SessionCookieSlot>() {
        slot.set(Arc::clone(name));
    }
}

/// Logs an error when the session cookie was set inside the authentication middleware.
pub(crate) fn check<B>(response: &ServiceResponse<B>, slot: &SessionCookieSlot) {
    let Some(name) = slot.take() else {
        return;
    };

    let mut set_cookies = response.headers().get_all(SET_COOKIE).peekable();
    let sets_any = set_cookies.peek().is_some();
    let set_inside = set_cookies.any(|value| sets_cookie(value.as_bytes(), &name));
    if set_inside || (sets_any && renewed_and_taken(response)) {
        tracing::error!(
            target: TARGET,
            cookie = &*name,
            "SessionMiddleware runs inside AuthenticationMiddleware, so sessions never \
             authenticate: call .wrap(SessionMiddleware) after .wrap(AuthenticationMiddleware)"
        );
    }
}

/// Whether the session was renewed and its state already taken, as `SessionMiddleware` takes
/// it to write its cookie.
fn renewed_and_taken<B>(response: &ServiceResponse<B>) -> bool {
    let session = response.request().get_session();
    session.status() == SessionStatus::Renewed && session.entries().is_empty()
}

/// Whether a `Set-Cookie` value sets the cookie `name`.
fn sets_cookie(header: &[u8], name: &str) -> bool {
    let pair = header
        .split(|&byte| byte == b';')
        .next()
        .unwrap_or_default();
    let cookie = pair.split(|&byte| byte == b'=').next().unwrap_or_default();
    cookie.trim_ascii() == name.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_names_are_matched_exactly() {
        assert!(sets_cookie(b"id=abc; Path=/; HttpOnly", "id"));
        assert!(sets_cookie(b"id=; Max-Age=0", "id"));
        assert!(!sets_cookie(b"identity=abc", "id"));
        assert!(!sets_cookie(b"theme=dark; id=abc", "id"));
    }
}
