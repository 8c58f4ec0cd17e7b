#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope("notes:read")]
    NotesRead,
    Admin,
}

fn main() {}
