use auth_actix::requires;

#[requires(scopes = [all("editor", not("suspended", "banned"))])]
async fn edit() -> &'static str {
    "edit"
}

fn main() {}
