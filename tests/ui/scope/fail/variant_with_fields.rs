#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope("notes:read")]
    NotesRead(u32),
}

fn main() {}
