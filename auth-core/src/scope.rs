//! The scopes granted to a request.

use std::fmt;
use std::sync::Arc;

/// The set of scopes granted to one request.
///
/// Membership is exact and case-sensitive: `"Admin"` does not grant `"admin"`. Cloning is
/// cheap (the scopes are shared), so a backend that grants the same scopes to every user can
/// build them once and clone them per request without allocating.
///
/// # Examples
///
/// ```
/// use auth_core::Credentials;
///
/// let credentials = Credentials::from_iter(["notes:read", "authenticated"]);
///
/// assert!(credentials.contains("notes:read"));
/// assert!(!credentials.contains("Notes:Read"));
/// assert!(credentials.has_all(&["authenticated", "notes:read"]));
/// assert!(!credentials.has_all(&["authenticated", "admin"]));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Credentials {
    // Sorted and without duplicates, so membership is a binary search.
    scopes: Option<Arc<[Box<str>]>>,
}

impl Credentials {
    /// No scopes at all: what an anonymous request carries.
    pub const fn none() -> Self {
        Self { scopes: None }
    }

    /// Whether this exact scope was granted.
    pub fn contains(&self, scope: &str) -> bool {
        self.as_slice()
            .binary_search_by(|granted| (**granted).cmp(scope))
            .is_ok()
    }

    /// Whether every one of `required` was granted (an empty list is always satisfied).
    pub fn has_all(&self, required: &[&str]) -> bool {
        required.iter().all(|scope| self.contains(scope))
    }

    /// The scopes of `required` that were not granted, in their given order.
    pub fn missing<'r>(&'r self, required: &'r [&'r str]) -> impl Iterator<Item = &'r str> + 'r {
        required
            .iter()
            .copied()
            .filter(move |scope| !self.contains(scope))
    }

    /// The granted scopes, in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.as_slice().iter().map(|scope| &**scope)
    }

    /// How many distinct scopes were granted.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether no scope was granted.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    fn as_slice(&self) -> &[Box<str>] {
        self.scopes.as_deref().unwrap_or(&[])
    }
}

impl<S: Into<Box<str>>> FromIterator<S> for Credentials {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut scopes: Vec<Box<str>> = iter.into_iter().map(Into::into).collect();
        scopes.sort_unstable();
        scopes.dedup();

        if scopes.is_empty() {
            return Self::none();
        }
        Self {
            scopes: Some(scopes.into()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Whether `credentials` grant every scope in `scopes`, like Starlette's `has_required_scope`.
///
/// This is the check `#[requires(scopes = [...])]` makes, usable inside a handler body.
///
/// # Examples
///
/// ```
/// use auth_core::{has_required_scope, Credentials};
///
/// let credentials = Credentials::from_iter(["authenticated"]);
/// assert!(has_required_scope(&credentials, &["authenticated"]));
/// assert!(!has_required_scope(&credentials, &["authenticated", "admin"]));
/// ```
pub fn has_required_scope(credentials: &Credentials, scopes: &[&str]) -> bool {
    credentials.has_all(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_membership_is_exact_and_case_sensitive() {
        let credentials = Credentials::from_iter(["admin", "notes:read"]);

        assert!(credentials.contains("admin"));
        assert!(!credentials.contains("Admin"));
        assert!(!credentials.contains("admin "));
        assert!(!credentials.contains("notes"));
        assert!(!credentials.contains(""));
    }

    #[test]
    fn scope_check_is_all_of() {
        let credentials = Credentials::from_iter(["a", "b"]);

        assert!(has_required_scope(&credentials, &["a"]));
        assert!(has_required_scope(&credentials, &["b", "a"]));
        assert!(!has_required_scope(&credentials, &["a", "c"]));
        assert!(has_required_scope(&credentials, &[]));
    }

    #[test]
    fn anonymous_credentials_grant_nothing() {
        let credentials = Credentials::none();

        assert!(credentials.is_empty());
        assert!(!credentials.contains("authenticated"));
        assert_eq!(
            credentials.missing(&["x", "y"]).collect::<Vec<_>>(),
            ["x", "y"]
        );
    }

    #[test]
    fn duplicate_scopes_collapse() {
        let credentials = Credentials::from_iter(["b", "a", "b"]);

        assert_eq!(credentials.len(), 2);
        assert_eq!(credentials.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(format!("{credentials:?}"), r#"{"a", "b"}"#);
    }

    #[test]
    fn missing_lists_absent_scopes_in_order() {
        let credentials = Credentials::from_iter(["b"]);

        let missing: Vec<_> = credentials.missing(&["c", "b", "a"]).collect();

        assert_eq!(missing, ["c", "a"]);
    }
}
