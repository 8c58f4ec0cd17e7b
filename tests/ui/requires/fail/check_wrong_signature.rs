// An object check taking the request by value: reported on the path the user wrote.
use actix_web::HttpRequest;
use auth_actix::{requires, Credentials, SimpleUser};

async fn owns_note(
    _req: HttpRequest,
    _user: &SimpleUser,
    _credentials: &Credentials,
) -> Result<bool, actix_web::Error> {
    Ok(true)
}

#[requires(scopes = ["notes:read"], check = owns_note)]
async fn note() -> &'static str {
    "note"
}

fn main() {}
