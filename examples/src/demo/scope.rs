//! The demo's scopes, declared once.

/// Every scope the demo grants or requires.
///
/// Handlers name these variants in `#[requires]`, so a misspelled scope is a compile error.
#[derive(auth_actix::Scope, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Any signed-in account.
    #[scope("authenticated")]
    Authenticated,
    /// Administrators.
    #[scope("admin")]
    Admin,
    /// Accounts barred from their notes; no seeded account has it.
    #[scope("suspended")]
    Suspended,
}
