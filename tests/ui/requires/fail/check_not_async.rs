use actix_web::HttpRequest;
use auth_actix::{requires, Credentials, SimpleUser};

fn owns_note(
    _req: &HttpRequest,
    _user: &SimpleUser,
    _credentials: &Credentials,
) -> Result<bool, actix_web::Error> {
    Ok(true)
}

#[requires(check = owns_note)]
async fn note() -> &'static str {
    "note"
}

fn main() {}
