#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope(notes_read)]
    NotesRead,
}

fn main() {}
