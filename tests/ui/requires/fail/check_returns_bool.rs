// An object check must say how it failed: `Result<bool, E>`, not `bool`.
use actix_web::HttpRequest;
use auth_actix::{requires, Credentials, SimpleUser};

async fn owns_note(_req: &HttpRequest, _user: &SimpleUser, _credentials: &Credentials) -> bool {
    true
}

#[requires(check = owns_note)]
async fn note() -> &'static str {
    "note"
}

fn main() {}
