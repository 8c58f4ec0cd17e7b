//! `#[requires(...)]`: parse the arguments, validate them and the handler, expand the guard.

mod args;
mod expand;
mod scopes;
mod validate;

pub(crate) use expand::{fallback, requires};
