//! The login form, its submission, and the logout.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use auth_actix::session::{csrf_token, logout as end_session, verify_csrf, Session, SessionError};
use auth_actix::{public, safe_next, AuthUser, CurrentUser};
use serde::Deserialize;

use super::html::{escape, html, see_other};
use super::{DemoSessions, UserStore, Visitor};

/// Where a successful login goes when `next` is missing or unsafe.
pub const DEFAULT_NEXT: &str = "/dashboard";

/// The query of `GET /login`: where to go once logged in.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct NextQuery {
    next: String,
}

/// The fields of the login form; missing ones are empty, so a missing token is a 403.
///
/// The handlers take the form as an `Option`: a body that is not a form at all (another
/// content type, bad encoding) has no token either, and gets the same 403.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: String,
}

/// The field of the logout form; no `Debug`, since it holds the CSRF token.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct LogoutForm {
    csrf: String,
}

/// `GET /login`: the login form, or a logout button for a logged-in visitor.
#[public]
pub(super) async fn login_form(
    session: Session,
    CurrentUser(visitor): CurrentUser<Visitor>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, SessionError> {
    let token = csrf_token(&session)?;

    let page = if visitor.is_authenticated() {
        logout_page(visitor.display_name(), &token)
    } else {
        login_page(&token, &query.next, "", None)
    };
    Ok(html(StatusCode::OK, page))
}

/// `POST /login`: checks the CSRF token, then the password, then logs the session in.
#[public]
pub(super) async fn login(
    session: Session,
    store: web::Data<UserStore>,
    sessions: web::Data<DemoSessions>,
    form: Option<web::Form<LoginForm>>,
) -> Result<HttpResponse, actix_web::Error> {
    let form = form.map(web::Form::into_inner).unwrap_or_default();
    verify_csrf(&session, &form.csrf)?;

    let retry = |status, message| -> Result<HttpResponse, actix_web::Error> {
        let page = login_page(
            &csrf_token(&session)?,
            &form.next,
            &form.username,
            Some(message),
        );
        Ok(html(status, page))
    };
    if form.username.is_empty() || form.password.is_empty() {
        return retry(StatusCode::BAD_REQUEST, "Enter a username and a password.");
    }

    let store = store.into_inner();
    let (username, password) = (form.username.clone(), form.password.clone());
    let checked = web::block(move || store.check_password(&username, &password)).await?;
    let account = checked.map_err(super::store::unavailable)?;
    let Some(account) = account else {
        return retry(StatusCode::UNAUTHORIZED, "Invalid username or password.");
    };

    sessions.login(&session, &Visitor::Account(account))?;
    let next = safe_next(&form.next).unwrap_or(DEFAULT_NEXT);
    Ok(see_other(next))
}

/// `POST /logout`: checks the CSRF token, then ends the session.
#[public]
pub(super) async fn logout(
    session: Session,
    form: Option<web::Form<LogoutForm>>,
) -> Result<HttpResponse, SessionError> {
    let form = form.map(web::Form::into_inner).unwrap_or_default();
    verify_csrf(&session, &form.csrf)?;

    end_session(&session);
    Ok(see_other("/"))
}

fn login_page(token: &str, next: &str, username: &str, error: Option<&str>) -> String {
    let error = error.map_or(String::new(), |message| {
        format!("<p role=\"alert\">{}</p>\n", escape(message))
    });
    format!(
        "<!doctype html>\n<title>Log in</title>\n<h1>Log in</h1>\n{error}\
         <form method=\"post\" action=\"/login\">\n\
         <label>Username <input name=\"username\" value=\"{username}\" autocomplete=\"username\"></label>\n\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\n\
         <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\n\
         <input type=\"hidden\" name=\"next\" value=\"{next}\">\n\
         <button>Log in</button>\n</form>\n",
        username = escape(username),
        token = escape(token),
        next = escape(next),
    )
}

fn logout_page(name: &str, token: &str) -> String {
    format!(
        "<!doctype html>\n<title>Logged in</title>\n<p>Logged in as {name}.</p>\n\
         <form method=\"post\" action=\"/logout\">\n\
         <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\n\
         <button>Log out</button>\n</form>\n",
        name = escape(name),
        token = escape(token),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_page_escapes_next_and_username() {
        let page = login_page("tok", "/a\"><b>", "<alice>", Some("Nope."));

        assert!(page.contains("value=\"/a&quot;&gt;&lt;b&gt;\""));
        assert!(page.contains("value=\"&lt;alice&gt;\""));
        assert!(!page.contains("<alice>"));
    }
}
