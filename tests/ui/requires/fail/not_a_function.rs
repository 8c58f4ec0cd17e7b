use auth_actix::requires;

#[requires(scopes = ["read"])]
struct Handler {
    name: String,
}

fn main() {}
