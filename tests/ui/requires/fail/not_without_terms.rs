use auth_actix::requires;

#[requires(scopes = [not()])]
async fn edit() -> &'static str {
    "edit"
}

fn main() {}
