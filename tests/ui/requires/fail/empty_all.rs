// `all()` would let every signed-in user through, like an empty list.
use auth_actix::requires;

#[requires(scopes = [any("admin", all())])]
async fn notes() -> &'static str {
    "notes"
}

fn main() {}
