//! The user a request carries.

/// A user as seen by the authorization layer.
///
/// Implement it by hand or derive it with `#[derive(AuthUser)]` from `auth-actix`.
///
/// # Examples
///
/// ```
/// use auth_core::AuthUser;
///
/// struct Member {
///     email: String,
/// }
///
/// impl AuthUser for Member {
///     fn display_name(&self) -> &str {
///         &self.email
///     }
///
///     fn identity(&self) -> &str {
///         &self.email
///     }
/// }
///
/// assert!(Member { email: "ada@example.com".into() }.is_authenticated());
/// ```
pub trait AuthUser {
    /// Whether this user proved who they are; only the anonymous user answers `false`.
    fn is_authenticated(&self) -> bool {
        true
    }

    /// A name fit to show to people, such as a username or a full name.
    fn display_name(&self) -> &str;

    /// A stable identifier of this user, such as a primary key or an email address.
    fn identity(&self) -> &str;
}

/// A user type that has an anonymous value, such as an enum with an anonymous variant.
///
/// `#[derive(AuthUser)]` implements it for an enum with an `#[auth(anonymous)]` variant.
pub trait FromAnonymous {
    /// The value that stands for a request nobody authenticated.
    fn anonymous() -> Self;
}

/// An authenticated user known only by a username.
///
/// # Examples
///
/// ```
/// use auth_core::{AuthUser, SimpleUser};
///
/// let user = SimpleUser::new("tomchristie");
/// assert_eq!(user.display_name(), "tomchristie");
/// assert!(user.is_authenticated());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SimpleUser {
    username: String,
}

impl SimpleUser {
    /// Creates a user with this username.
    pub fn new(username: impl Into<String>) -> Self {
        Self {
            username: username.into(),
        }
    }

    /// The username this user was created with.
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl AuthUser for SimpleUser {
    fn display_name(&self) -> &str {
        &self.username
    }

    fn identity(&self) -> &str {
        &self.username
    }
}

/// The user of a request that no backend authenticated.
///
/// It answers `false`, `""` and `""`, like Starlette's `UnauthenticatedUser`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AnonymousUser;

impl AuthUser for AnonymousUser {
    fn is_authenticated(&self) -> bool {
        false
    }

    fn display_name(&self) -> &str {
        ""
    }

    fn identity(&self) -> &str {
        ""
    }
}

impl FromAnonymous for AnonymousUser {
    fn anonymous() -> Self {
        AnonymousUser
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_user_is_unauthenticated_with_empty_names() {
        let user = AnonymousUser::anonymous();

        assert!(!user.is_authenticated());
        assert_eq!(user.display_name(), "");
        assert_eq!(user.identity(), "");
    }

    #[test]
    fn simple_user_is_authenticated_by_username() {
        let user = SimpleUser::new("ada");

        assert!(user.is_authenticated());
        assert_eq!(user.identity(), "ada");
        assert_eq!(user.display_name(), "ada");
    }
}
