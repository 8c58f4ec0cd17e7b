use auth_actix::requires;

#[requires(scopes = [one_of("admin", "editor")])]
async fn edit() -> &'static str {
    "edit"
}

fn main() {}
