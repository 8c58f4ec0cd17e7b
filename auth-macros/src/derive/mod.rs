//! `#[derive(AuthUser)]`: parse the `#[auth(...)]` marks, validate the type, expand the impls.

mod attr;
mod expand;
mod validate;

pub(crate) use expand::{auth_user, stub};
