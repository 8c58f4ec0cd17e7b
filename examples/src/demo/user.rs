//! The demo's user types.

use auth_actix::AuthUser;
use serde::Serialize;

/// A row of the user table.
#[derive(AuthUser, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The login name, also the account's identity.
    #[auth(identity, display_name)]
    pub username: String,
    /// The scopes this account is granted.
    pub scopes: Vec<String>,
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
