#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope("notes:read")]
    NotesRead = 3,
}

fn main() {}
