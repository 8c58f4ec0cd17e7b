//! The demo's user types.

use std::fmt;

use auth_actix::AuthUser;
use serde::Serialize;

/// A row of the user table.
#[derive(AuthUser, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The login name, also the account's identity.
    #[auth(identity, display_name)]
    pub username: String,
    /// The scopes this account is granted.
    pub scopes: Vec<String>,
    /// The argon2 PHC string of the password; sessions end when it changes. Never
    /// serialized, never shown by `Debug`.
    #[serde(skip)]
    pub password_hash: String,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("username", &self.username)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Whoever sends a request: an account or nobody.
///
/// One type for both cases lets handlers take `CurrentUser<Visitor>`, Starlette's
/// `request.user`.
#[derive(AuthUser, Clone, Debug, PartialEq, Eq)]
pub enum Visitor {
    /// A request no backend authenticated.
    #[auth(anonymous)]
    Anonymous,
    /// A request authenticated as this account.
    Account(Account),
}
