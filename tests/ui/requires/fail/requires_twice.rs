// A second `#[requires]` would run a second guard; the policies belong in one attribute.
use auth_actix::requires;

#[requires]
#[requires(scopes = ["admin"])]
async fn admin() -> &'static str {
    "admin"
}

fn main() {}
