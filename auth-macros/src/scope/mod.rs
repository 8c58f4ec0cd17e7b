//! `#[derive(Scope)]`: validate the enum and its `#[scope("...")]` names, expand the impl.

mod expand;
mod validate;

pub(crate) use expand::{scope, stub};
