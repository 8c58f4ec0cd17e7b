// A misspelled variant: rustc reports it on the user's token and suggests the close name.
use auth_actix::requires;

#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope("notes:read")]
    NotesRead,
    #[scope("admin")]
    Admin,
}

#[requires(scopes = [Scope::NotesRad])]
async fn notes() -> &'static str {
    "notes"
}

fn main() {}
