//! Typed scopes: an application's scopes declared once, as an enum.

use crate::Credentials;

/// An enum of an application's scopes, each variant standing for one wire name.
///
/// Derive it with `#[derive(Scope)]` (from `auth-macros`, re-exported by `auth-actix`), naming
/// each variant's scope with `#[scope("...")]`. `#[requires(scopes = [..])]` then accepts the
/// variants, and a misspelled one is a compile error.
///
/// # Contract
///
/// `#[requires]` reads a variant's wire name at compile time as `NAMES[variant as usize]`, so
/// an implementation must list [`NAMES`](Self::NAMES) in the order of the discriminants and
/// leave the discriminants implicit (0, 1, 2, ...). The derive guarantees both and rejects
/// explicit discriminants; a hand-written implementation that breaks the order would make a
/// guard require another scope than the one written, so prefer the derive.
///
/// # Examples
///
/// Implemented by hand, as the derive does it:
///
/// ```
/// use auth_core::{Credentials, Scope};
///
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// enum Api {
///     NotesRead,
///     Admin,
/// }
///
/// impl Scope for Api {
///     const ALL: &'static [Self] = &[Api::NotesRead, Api::Admin];
///     const NAMES: &'static [&'static str] = &["notes:read", "admin"];
///
///     fn as_str(&self) -> &'static str {
///         Self::NAMES[*self as usize]
///     }
/// }
///
/// assert_eq!(Api::Admin.as_str(), "admin");
/// assert_eq!(Api::from_str("notes:read"), Some(Api::NotesRead));
/// assert!(Credentials::from_scopes([Api::Admin]).contains("admin"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a scope enum",
    label = "not a scope enum",
    note = "declare the scopes with `#[derive(auth_actix::Scope)]` on a fieldless enum"
)]
pub trait Scope: Copy + Sized + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];

    /// The wire name of every variant, in the order of [`ALL`](Self::ALL).
    const NAMES: &'static [&'static str];

    /// The wire name of this scope, as granted in [`Credentials`].
    fn as_str(&self) -> &'static str;

    /// The variant whose wire name is exactly `name`.
    fn from_str(name: &str) -> Option<Self> {
        let index = Self::NAMES.iter().position(|known| *known == name)?;
        Self::ALL.get(index).copied()
    }
}

impl Credentials {
    /// Credentials granting these typed scopes.
    ///
    /// # Examples
    ///
    /// See [`Scope`].
    pub fn from_scopes<S: Scope>(scopes: impl IntoIterator<Item = S>) -> Self {
        scopes.into_iter().map(|scope| scope.as_str()).collect()
    }

    /// Whether this typed scope was granted.
    pub fn contains_scope<S: Scope>(&self, scope: S) -> bool {
        self.contains(scope.as_str())
    }
}

/// The wire name of the variant at `index` of `S`, in a constant.
///
/// `#[requires(scopes = [Api::Admin])]` expands to `scope_name::<Api>(Api::Admin as usize)`:
/// rustc itself resolves the variant, so a misspelled one is reported on the user's token.
#[doc(hidden)]
pub const fn scope_name<S: Scope>(index: usize) -> &'static str {
    S::NAMES[index]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Api {
        Read,
        Write,
    }

    impl Scope for Api {
        const ALL: &'static [Self] = &[Api::Read, Api::Write];
        const NAMES: &'static [&'static str] = &["notes:read", "notes:write"];

        fn as_str(&self) -> &'static str {
            Self::NAMES[*self as usize]
        }
    }

    #[test]
    fn from_str_is_exact() {
        assert_eq!(Api::from_str("notes:write"), Some(Api::Write));
        assert_eq!(Api::from_str("Notes:Write"), None);
        assert_eq!(Api::from_str("Write"), None);
    }

    #[test]
    fn credentials_from_typed_scopes_hold_their_wire_names() {
        let credentials = Credentials::from_scopes([Api::Write]);

        assert!(credentials.contains("notes:write"));
        assert!(credentials.contains_scope(Api::Write));
        assert!(!credentials.contains_scope(Api::Read));
    }

    #[test]
    fn scope_name_is_usable_in_a_constant() {
        const WRITE: &str = scope_name::<Api>(Api::Write as usize);

        assert_eq!(WRITE, "notes:write");
    }
}
