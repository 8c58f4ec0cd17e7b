//! The API-key admin page: the JSON API's listing, creation and revocation as HTML forms.
//!
//! Both forms post back to the page's own address, so that a browser whose session ended
//! while the page was open is sent to log in with a `next` that leads back to the page (a
//! `next` naming a POST-only address would end on a 405). Every form carries the session's
//! CSRF token, checked before anything else of the form is read.

use actix_web::http::StatusCode;
use actix_web::{web, Error, HttpResponse};
use auth_actix::session::{csrf_token, verify_csrf, Session};
use auth_actix::{requires, AuthUser, Scopes, User};

use super::html::{escape, html, see_other};
use super::{is_valid_scope, ApiKeyInfo, UserStore, Visitor};

/// Where the page lives; its forms post to the same address.
pub const KEY_PAGE: &str = "/admin/api-keys/page";

/// The fields of a submitted form, in order; repeated names (`scope`) stay repeated.
type Fields = Vec<(String, String)>;

/// `GET /admin/api-keys/page`: the keys, a form for a new one, a revoke button per key.
#[requires(scopes = ["admin"], redirect = "login")]
pub(super) async fn key_page(
    session: Session,
    store: web::Data<UserStore>,
    User(visitor): User<Visitor>,
    granted: Scopes,
) -> Result<HttpResponse, Error> {
    let page = Page {
        user: visitor.display_name(),
        token: csrf_token(&session)?,
        offered: granted.iter().collect(),
        keys: list_keys(&store).await?,
        new_key: None,
        alert: None,
    };
    Ok(html(StatusCode::OK, page.render()))
}

/// `POST /admin/api-keys/page`: creates (`action=create`, `scope=..` repeated) or revokes
/// (`action=revoke`, `id=..`) a key, once the CSRF token matches.
///
/// A form that is not URL-encoded at all has no token either, and gets the same 403.
#[requires(scopes = ["admin"], redirect = "login")]
pub(super) async fn submit_key_form(
    session: Session,
    store: web::Data<UserStore>,
    User(visitor): User<Visitor>,
    granted: Scopes,
    form: Option<web::Form<Fields>>,
) -> Result<HttpResponse, Error> {
    let fields = form.map(web::Form::into_inner).unwrap_or_default();
    verify_csrf(&session, field(&fields, "csrf"))?;

    let mut page = Page {
        user: visitor.display_name(),
        token: csrf_token(&session)?,
        offered: granted.iter().collect(),
        keys: Vec::new(),
        new_key: None,
        alert: None,
    };
    let status = match field(&fields, "action") {
        "create" => {
            let scopes = chosen_scopes(&fields);
            create_key(&store, &visitor, &granted, scopes, &mut page).await?
        }
        "revoke" => {
            if revoke_key(&store, field(&fields, "id")).await? {
                return Ok(see_other(KEY_PAGE));
            }
            refuse(&mut page, StatusCode::NOT_FOUND, "There is no such key.")
        }
        _ => refuse(&mut page, StatusCode::BAD_REQUEST, "Unknown action."),
    };

    page.keys = list_keys(&store).await?;
    Ok(html(status, page.render()))
}

/// Creates a key for `visitor` granting `scopes`, or says on `page` why not.
async fn create_key(
    store: &web::Data<UserStore>,
    visitor: &Visitor,
    granted: &Scopes,
    scopes: Vec<String>,
    page: &mut Page<'_>,
) -> Result<StatusCode, Error> {
    if !scopes.iter().all(|scope| is_valid_scope(scope)) {
        let message = "Scopes must be non-empty words.";
        return Ok(refuse(page, StatusCode::BAD_REQUEST, message));
    }
    if !scopes.iter().all(|scope| granted.contains(scope)) {
        let message = "A key cannot grant scopes its owner lacks.";
        return Ok(refuse(page, StatusCode::FORBIDDEN, message));
    }

    let store = store.clone().into_inner();
    let owner = visitor.identity().to_owned();
    let issued = web::block(move || store.create_api_key(&owner, &scopes))
        .await?
        .map_err(super::store::unavailable)?;

    page.new_key = Some(issued.key().to_owned());
    Ok(StatusCode::CREATED)
}

/// Revokes the key `id`; `false` when there is no such key.
async fn revoke_key(store: &web::Data<UserStore>, id: &str) -> Result<bool, Error> {
    let store = store.clone().into_inner();
    let id = id.to_owned();
    web::block(move || store.revoke_api_key(&id))
        .await?
        .map_err(super::store::unavailable)
}

async fn list_keys(store: &web::Data<UserStore>) -> Result<Vec<ApiKeyInfo>, Error> {
    let store = store.clone().into_inner();
    web::block(move || store.list_api_keys())
        .await?
        .map_err(super::store::unavailable)
}

fn refuse(page: &mut Page<'_>, status: StatusCode, message: &'static str) -> StatusCode {
    page.alert = Some(message);
    status
}

/// The first value of the field `name`, empty when there is none.
fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value)
}

/// The ticked `scope` boxes, each once.
fn chosen_scopes(fields: &Fields) -> Vec<String> {
    let mut scopes: Vec<String> = fields
        .iter()
        .filter(|(key, _)| key == "scope")
        .map(|(_, value)| value.clone())
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// What the page shows.
struct Page<'a> {
    user: &'a str,
    token: String,
    /// The scopes the admin holds on this request: the ones a new key may grant.
    offered: Vec<&'a str>,
    keys: Vec<ApiKeyInfo>,
    /// The plaintext of a key just created: on this page and nowhere else.
    new_key: Option<String>,
    alert: Option<&'static str>,
}

impl Page<'_> {
    fn render(&self) -> String {
        let token = escape(&self.token);
        let alert = self.alert.map_or(String::new(), |message| {
            format!("<p role=\"alert\">{}</p>\n", escape(message))
        });
        let new_key = self.new_key.as_deref().map_or(String::new(), |key| {
            format!(
                "<p role=\"status\">New key, shown only this once: \
                 <code id=\"new-key\">{}</code></p>\n",
                escape(key)
            )
        });
        let rows: String = self.keys.iter().map(|key| key_row(key, &token)).collect();
        let boxes: String = self
            .offered
            .iter()
            .map(|scope| {
                format!(
                    "<label><input type=\"checkbox\" name=\"scope\" value=\"{scope}\"> \
                     {scope}</label>\n",
                    scope = escape(scope)
                )
            })
            .collect();

        format!(
            "<!doctype html>\n<title>API keys</title>\n<h1>API keys</h1>\n\
             <p>Logged in as <strong id=\"user\">{user}</strong>.</p>\n\
             <form method=\"post\" action=\"/logout\">\n\
             <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\n\
             <button>Log out</button>\n</form>\n\
             {alert}{new_key}\
             <table>\n<thead><tr><th>id</th><th>owner</th><th>scopes</th><th>created</th>\
             <th>status</th><th></th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n\
             <h2>New key</h2>\n\
             <form method=\"post\" action=\"{KEY_PAGE}\" id=\"create\">\n\
             <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\n\
             <input type=\"hidden\" name=\"action\" value=\"create\">\n\
             <fieldset><legend>Scopes</legend>\n{boxes}</fieldset>\n\
             <button>Create key</button>\n</form>\n",
            user = escape(self.user),
        )
    }
}

/// One key's row: never its secret nor its hash, which the listing does not hold.
fn key_row(key: &ApiKeyInfo, token: &str) -> String {
    let id = escape(&key.id);
    let (status, action) = if key.revoked {
        ("revoked", String::new())
    } else {
        let form = format!(
            "<form method=\"post\" action=\"{KEY_PAGE}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\
             <input type=\"hidden\" name=\"action\" value=\"revoke\">\
             <input type=\"hidden\" name=\"id\" value=\"{id}\">\
             <button>Revoke</button></form>"
        );
        ("active", form)
    };
    format!(
        "<tr id=\"key-{id}\"><td>{id}</td><td>{owner}</td><td>{scopes}</td><td>{created}</td>\
         <td class=\"status\">{status}</td><td>{action}</td></tr>\n",
        owner = escape(&key.owner),
        scopes = escape(&key.scopes.join(" ")),
        created = escape(key.created.as_deref().unwrap_or("unknown")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, revoked: bool) -> ApiKeyInfo {
        ApiKeyInfo {
            id: id.to_owned(),
            owner: "<b>admin</b>".to_owned(),
            scopes: vec!["a\"b".to_owned()],
            revoked,
            created: None,
        }
    }

    #[test]
    fn key_page_escapes_every_stored_value() {
        let page = Page {
            user: "<script>",
            token: "t\"k".to_owned(),
            offered: vec!["x\"><y"],
            keys: vec![key("<id>", false)],
            new_key: Some("ak_<key>".to_owned()),
            alert: None,
        };

        let html = page.render();

        for raw in [
            "<script>", "<b>admin", "a\"b", "<id>", "t\"k", "x\"><y", "ak_<key>",
        ] {
            assert!(!html.contains(raw), "{raw} is not escaped in {html}");
        }
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<code id=\"new-key\">ak_&lt;key&gt;</code>"));
    }

    #[test]
    fn key_page_offers_revoking_only_active_keys() {
        let page = Page {
            user: "admin",
            token: "tok".to_owned(),
            offered: vec!["admin"],
            keys: vec![key("aaaa", false), key("bbbb", true)],
            new_key: None,
            alert: None,
        };

        let html = page.render();

        assert_eq!(html.matches("<button>Revoke</button>").count(), 1);
        assert!(html.contains("name=\"id\" value=\"aaaa\""));
        assert!(!html.contains("name=\"id\" value=\"bbbb\""));
        assert!(!html.contains("new-key"));
    }

    #[test]
    fn key_form_fields_read_the_first_value_and_every_scope() {
        let fields: Fields = [("scope", "b"), ("csrf", "1"), ("scope", "a"), ("csrf", "2")]
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .into();

        assert_eq!(field(&fields, "csrf"), "1");
        assert_eq!(field(&fields, "missing"), "");
        assert_eq!(chosen_scopes(&fields), ["a", "b"]);
    }
}
