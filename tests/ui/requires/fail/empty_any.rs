// `any()` could never be satisfied.
use auth_actix::requires;

#[requires(scopes = ["notes:read", any()])]
async fn notes() -> &'static str {
    "notes"
}

fn main() {}
