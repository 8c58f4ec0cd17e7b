// The derived `Scope`: names, lookup, credentials from typed scopes.
use auth_actix::{Credentials, Scope as _};

#[derive(auth_actix::Scope, Clone, Copy, Debug, PartialEq)]
enum Scope {
    /// Read notes.
    #[scope("notes:read")]
    NotesRead,
    #[scope("admin")]
    Admin,
}

fn main() {
    assert_eq!(Scope::NotesRead.as_str(), "notes:read");
    assert_eq!(Scope::from_str("admin"), Some(Scope::Admin));
    assert_eq!(Scope::from_str("Admin"), None);
    assert_eq!(Scope::ALL, [Scope::NotesRead, Scope::Admin]);
    let credentials = Credentials::from_scopes([Scope::Admin]);
    assert!(credentials.contains("admin"));
    assert!(credentials.contains_scope(Scope::Admin));
}
