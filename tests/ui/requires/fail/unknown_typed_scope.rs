// A scope the enum does not declare: "unknown scope" when scopes are typed.
use auth_actix::requires;

#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope("notes:read")]
    NotesRead,
}

#[requires(scopes = [any("admin", Scope::Nope)])]
async fn notes() -> &'static str {
    "notes"
}

fn main() {}
