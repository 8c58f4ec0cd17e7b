//! Runnable applications built on `auth-actix`.
//!
//! [`demo`] is the application the README starts with `cargo run -p examples --bin demo`;
//! its parts live here so that the end-to-end tests can serve the very same routes.

pub mod demo;
