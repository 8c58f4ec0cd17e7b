// Object checks: a path into a module, an associated function, any error type that converts
// into `actix_web::Error`, and a user type of the application's own.
use actix_web::{error, web, App, HttpRequest};
use auth_actix::{requires, AuthUser, Credentials};

#[derive(AuthUser, Clone)]
struct Member {
    #[auth(identity)]
    name: String,
}

mod checks {
    use super::*;

    pub async fn owns(
        req: &HttpRequest,
        member: &Member,
        _credentials: &Credentials,
    ) -> Result<bool, error::Error> {
        Ok(req.match_info().get("name") == Some(member.name.as_str()))
    }
}

struct Notes;

impl Notes {
    async fn not_locked(
        _req: &HttpRequest,
        _member: &Member,
        credentials: &Credentials,
    ) -> Result<bool, error::JsonPayloadError> {
        Ok(!credentials.contains("locked"))
    }

    #[requires(scopes = ["notes:read"], check = Self::not_locked)]
    async fn list() -> &'static str {
        "notes"
    }
}

#[requires(check = checks::owns, redirect = "/login")]
async fn profile(name: web::Path<String>) -> String {
    name.into_inner()
}

fn main() {
    let _app = App::new()
        .route("/notes", web::get().to(Notes::list))
        .route("/profile/{name}", web::get().to(profile));
}
