//! Scope expressions: `any`, `all` and `not` over scope names, built from `'static` data.

use std::fmt;

use crate::Credentials;

/// A requirement on the scopes of a request: one scope, or `all`, `any` and `not` of others.
///
/// Every part is `'static`, so an expression is written once as a `static` (which is what
/// `#[requires(scopes = [any(..)])]` expands to) and evaluating it allocates nothing.
///
/// # Examples
///
/// ```
/// use auth_core::{Credentials, ScopeExpr};
///
/// // any("admin", all("editor", not("suspended")))
/// static EDIT: ScopeExpr = ScopeExpr::Any(&[
///     ScopeExpr::Scope("admin"),
///     ScopeExpr::All(&[ScopeExpr::Scope("editor"), ScopeExpr::Not(&ScopeExpr::Scope("suspended"))]),
/// ]);
///
/// assert!(EDIT.is_satisfied_by(&Credentials::from_iter(["editor"])));
/// assert!(!EDIT.is_satisfied_by(&Credentials::from_iter(["editor", "suspended"])));
/// assert!(EDIT.is_satisfied_by(&Credentials::from_iter(["admin", "suspended"])));
/// assert_eq!(EDIT.to_string(), r#"any("admin", all("editor", not("suspended")))"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeExpr {
    /// This exact scope is granted.
    Scope(&'static str),
    /// Every one of these holds; an empty list always holds.
    All(&'static [ScopeExpr]),
    /// At least one of these holds; an empty list never holds.
    Any(&'static [ScopeExpr]),
    /// This does not hold.
    Not(&'static ScopeExpr),
}

impl ScopeExpr {
    /// Whether `credentials` satisfy the expression.
    pub fn is_satisfied_by(&self, credentials: &Credentials) -> bool {
        self.holds(&|scope| credentials.contains(scope))
    }

    /// A set of scopes that, added to `credentials`, would satisfy the expression; empty when
    /// it is already satisfied.
    ///
    /// The set is minimal: no scope can be left out of it. It names positive scopes only, so
    /// it is `None` when only taking a scope away would help (a `not` term that is violated),
    /// or when the scopes this procedure picks would themselves violate a `not` term. This is
    /// what a bearer client's `insufficient_scope` challenge names.
    ///
    /// # Examples
    ///
    /// ```
    /// use auth_core::{Credentials, ScopeExpr};
    ///
    /// static EITHER: ScopeExpr = ScopeExpr::All(&[
    ///     ScopeExpr::Any(&[ScopeExpr::Scope("a"), ScopeExpr::Scope("b")]),
    ///     ScopeExpr::Any(&[ScopeExpr::Scope("b"), ScopeExpr::Scope("c")]),
    /// ]);
    /// static NOT_BANNED: ScopeExpr = ScopeExpr::Not(&ScopeExpr::Scope("banned"));
    ///
    /// assert_eq!(EITHER.satisfying_set(&Credentials::none()), Some(vec!["b"]));
    /// assert_eq!(NOT_BANNED.satisfying_set(&Credentials::from_iter(["banned"])), None);
    /// ```
    pub fn satisfying_set(&self, credentials: &Credentials) -> Option<Vec<&'static str>> {
        let mut added = Vec::new();
        self.collect_additions(credentials, &mut added)?;

        if !self.holds_with(credentials, &added) {
            return None;
        }
        // Leave out every scope the expression holds without, in the order they were picked.
        let mut index = 0;
        while index < added.len() {
            let removed = added.remove(index);
            if !self.holds_with(credentials, &added) {
                added.insert(index, removed);
                index += 1;
            }
        }
        Some(added)
    }

    /// Whether the expression holds once `added` are granted on top of `credentials`.
    fn holds_with(&self, credentials: &Credentials, added: &[&str]) -> bool {
        self.holds(&|scope: &str| credentials.contains(scope) || added.contains(&scope))
    }

    /// Evaluates the expression with `has` deciding which scopes are granted.
    fn holds(&self, has: &impl Fn(&str) -> bool) -> bool {
        match self {
            Self::Scope(scope) => has(scope),
            Self::All(terms) => terms.iter().all(|term| term.holds(has)),
            Self::Any(terms) => terms.iter().any(|term| term.holds(has)),
            Self::Not(term) => !term.holds(has),
        }
    }

    /// Adds to `added` the positive scopes that would satisfy the expression, taking the
    /// cheapest branch of every `any`; `None` when no addition can.
    fn collect_additions(
        &self,
        credentials: &Credentials,
        added: &mut Vec<&'static str>,
    ) -> Option<()> {
        match self {
            Self::Scope(scope) => {
                if !credentials.contains(scope) && !added.contains(scope) {
                    added.push(scope);
                }
                Some(())
            }
            Self::All(terms) => terms
                .iter()
                .try_for_each(|term| term.collect_additions(credentials, added)),
            Self::Any(terms) => {
                let cheapest = terms
                    .iter()
                    .filter_map(|term| {
                        let mut own = added.clone();
                        term.collect_additions(credentials, &mut own)?;
                        Some(own)
                    })
                    .min_by_key(Vec::len)?;
                *added = cheapest;
                Some(())
            }
            // Adding scopes cannot make a held term fail, so only an unheld one is satisfied.
            Self::Not(term) => (!term.is_satisfied_by(credentials)).then_some(()),
        }
    }
}

impl fmt::Display for ScopeExpr {
    /// Writes the expression as `#[requires]` takes it: `any("a", not("b"))`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, terms) = match self {
            Self::Scope(scope) => return write!(f, "{scope:?}"),
            Self::Not(term) => return write!(f, "not({term})"),
            Self::All(terms) => ("all", terms),
            Self::Any(terms) => ("any", terms),
        };
        write!(f, "{name}(")?;
        for (index, term) in terms.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{term}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScopeExpr::{All, Any, Not, Scope};

    fn held(scopes: &[&str]) -> Credentials {
        Credentials::from_iter(scopes.iter().copied())
    }

    static NESTED: ScopeExpr = Any(&[
        Scope("admin"),
        All(&[Scope("editor"), Not(&Scope("suspended"))]),
    ]);

    #[test]
    fn any_needs_one_term() {
        assert!(NESTED.is_satisfied_by(&held(&["admin"])));
        assert!(NESTED.is_satisfied_by(&held(&["editor"])));
        assert!(!NESTED.is_satisfied_by(&held(&["viewer"])));
    }

    #[test]
    fn not_refuses_a_held_scope() {
        assert!(!NESTED.is_satisfied_by(&held(&["editor", "suspended"])));
        assert!(NESTED.is_satisfied_by(&held(&["admin", "suspended"])));
    }

    #[test]
    fn empty_all_holds_and_empty_any_does_not() {
        assert!(All(&[]).is_satisfied_by(&Credentials::none()));
        assert!(!Any(&[]).is_satisfied_by(&held(&["a"])));
    }

    #[test]
    fn satisfying_set_is_empty_when_already_satisfied() {
        assert_eq!(NESTED.satisfying_set(&held(&["admin"])), Some(vec![]));
    }

    #[test]
    fn satisfying_set_takes_the_cheapest_branch_of_any() {
        static EXPR: ScopeExpr = Any(&[All(&[Scope("a"), Scope("b")]), Scope("c")]);

        assert_eq!(EXPR.satisfying_set(&Credentials::none()), Some(vec!["c"]));
        assert_eq!(EXPR.satisfying_set(&held(&["a"])), Some(vec!["b"]));
    }

    #[test]
    fn satisfying_set_leaves_out_scopes_that_are_not_needed() {
        static EXPR: ScopeExpr = All(&[
            Any(&[Scope("a"), Scope("b")]),
            Any(&[Scope("b"), Scope("c")]),
        ]);

        assert_eq!(EXPR.satisfying_set(&Credentials::none()), Some(vec!["b"]));
    }

    #[test]
    fn satisfying_set_names_only_missing_scopes_in_order() {
        static EXPR: ScopeExpr = All(&[Scope("x"), Scope("y"), Scope("z")]);

        assert_eq!(EXPR.satisfying_set(&held(&["y"])), Some(vec!["x", "z"]));
    }

    #[test]
    fn satisfying_set_is_none_when_a_held_scope_is_forbidden() {
        assert_eq!(
            NESTED.satisfying_set(&held(&["editor", "suspended"])),
            Some(vec!["admin"])
        );
        assert_eq!(
            Not(&Scope("banned")).satisfying_set(&held(&["banned"])),
            None
        );
    }

    #[test]
    fn satisfying_set_is_none_when_its_picks_violate_a_not() {
        static EXPR: ScopeExpr = All(&[Scope("a"), Not(&Scope("a"))]);

        assert_eq!(EXPR.satisfying_set(&Credentials::none()), None);
    }

    #[test]
    fn displays_as_the_attribute_syntax() {
        assert_eq!(
            NESTED.to_string(),
            r#"any("admin", all("editor", not("suspended")))"#
        );
    }
}
