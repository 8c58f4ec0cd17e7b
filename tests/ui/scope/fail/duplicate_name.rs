#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope("notes:read")]
    NotesRead,
    #[scope("notes:read")]
    Notes,
}

fn main() {}
