//! Procedural macros for `auth-actix`: the `#[requires(...)]` handler guard, the `#[public]`
//! marker, `#[derive(Scope)]` and `#[derive(AuthUser)]`.
//!
//! Don't depend on this crate directly. Use the macros through `auth-actix`, which re-exports
//! them as `auth_actix::requires` and the `auth_actix::AuthUser` derive, and which provides the
//! runtime the generated code calls (`::auth_actix::__private`). Each macro's page describes its
//! arguments; compiling examples live in `auth-actix`'s documentation (the ones here are
//! marked `ignore`, since this crate cannot depend on `auth-actix`).

mod attr;
mod audit;
mod derive;
mod public;
mod requires;
mod scope;

use proc_macro::TokenStream;

/// Guards an actix-web handler so it runs only for a signed-in user holding the listed scopes.
///
/// The request's user must be signed in and, if `scopes` are listed, hold every one of them.
/// The check runs before any of the handler's extractors, so an anonymous request with a
/// malformed body gets 401, not 400.
///
/// ```ignore
/// use actix_web::{get, web, HttpResponse};
/// use auth_actix::requires;
///
/// #[get("/posts/{id}")]
/// #[requires(scopes = ["posts:read"], status_code = 404, redirect = "login")]
/// async fn show_post(path: web::Path<u32>) -> HttpResponse {
///     HttpResponse::Ok().body(format!("post {}", path.into_inner()))
/// }
/// ```
///
/// Every argument is optional, and each may be given once, in any order:
///
/// - `scopes = ["a", "b"]`: the user must hold all of them. The list may not be empty, and each
///   scope is a non-blank string of visible ASCII characters other than `"` and `\` (an
///   OAuth scope token, RFC 6749), a typed scope (`Scope::Admin`, a variant
///   of an enum deriving `Scope`), or `any(..)`, `all(..)` or `not(..)` of such terms, nested
///   to any depth. `any()` and `all()` need at least one term and `not` exactly one.
/// - `check = path::to::async_fn`: an object check, an
///   `async fn(&HttpRequest, &User, &Credentials) -> Result<bool, E>` run after the scopes and
///   before the handler's extractors; a function with another signature is reported on the
///   path.
/// - `status_code = 404`: the status (400 to 599) that refused requests get instead of 401 or
///   403, for example to hide that the resource exists. With `redirect` too, anonymous
///   browsers are still redirected to the login page, which tells them the route exists; leave
///   `redirect` out where that matters.
/// - `redirect = "login"` or `redirect = "/login"`: where to send a visitor who is not signed
///   in, instead of answering 401. A route name (ASCII letters, digits, `_`, `-`, `.`, `:`) or a
///   path on this site starting with a single `/`; absolute and protocol-relative URLs are
///   refused at compile time.
///
/// A bare `#[requires]` only demands that the user is signed in. The attribute goes on an
/// `async fn` (free or associated, without `self`) and may sit above or below actix-web's route
/// attributes; every other attribute on the function is kept. The generated code names the
/// runtime as `::auth_actix`, so depend on `auth-actix` under that name.
///
/// The guarded function takes the request and its payload in place of the parameters you
/// wrote, and extracts those itself after the check; its return type `R` becomes
/// `actix_web::Result<R>`. So it is registered with actix-web like any handler, but it cannot
/// be called directly with its original arguments (test it through a service, as with
/// `actix_web::test::init_service`), and it cannot implement a trait's method. Object checks
/// run without a deadline of their own: bound slow lookups inside the check.
#[proc_macro_attribute]
pub fn requires(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    emit(requires::requires(args.into(), item.clone()), || {
        requires::fallback(item)
    })
}

/// Marks a handler as open to everyone, so the route audit knows it was left open on purpose.
///
/// Marks a handler as open to everyone and registers it for the audit; the handler is
/// otherwise unchanged. It takes no arguments, and a function with both `#[public]` and
/// `#[requires]` is a compile error: whichever of the two runs first sees the other.
#[proc_macro_attribute]
pub fn public(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    emit(public::public(args.into(), item.clone()), || {
        requires::fallback(item)
    })
}

/// Derives `Scope` for a fieldless enum from each variant's `#[scope("...")]` wire name.
///
/// Implements `Scope` for a fieldless, non-generic enum without explicit discriminants, each
/// variant naming its wire name once:
///
/// ```ignore
/// #[derive(auth_actix::Scope, Clone, Copy)]
/// enum Scope {
///     #[scope("notes:read")]
///     NotesRead,
///     #[scope("admin")]
///     Admin,
/// }
/// ```
#[proc_macro_derive(Scope, attributes(scope))]
pub fn derive_scope(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    emit(scope::scope(&input), || scope::stub(&input))
}

/// Derives `AuthUser` (and `FromAnonymous` for enums) from `#[auth(...)]` marks.
///
/// Mark the fields (or, in an enum, the variants) with `#[auth(...)]`:
///
/// ```ignore
/// use auth_actix::AuthUser;
///
/// #[derive(AuthUser)]
/// struct User {
///     #[auth(identity)]
///     id: String,
///     #[auth(display_name)]
///     name: String,
/// }
///
/// #[derive(AuthUser)]
/// enum Visitor {
///     #[auth(anonymous)]
///     Anonymous,
///     Member(User),
///     Guest {
///         #[auth(identity)]
///         token: String,
///     },
/// }
/// ```
///
/// - A struct has exactly one `#[auth(identity)]` field and at most one `#[auth(display_name)]`
///   field (the identity by default); both must implement `AsRef<str>`.
/// - An enum may have one unit variant marked `#[auth(anonymous)]`, which is not authenticated
///   and also gives the enum `FromAnonymous`. Every other variant either marks its fields like a
///   struct, or has a single unmarked field whose type implements `AuthUser`.
/// - Generic types work; add any bounds the fields need to the type's `where` clause.
#[proc_macro_derive(AuthUser, attributes(auth))]
pub fn derive_auth_user(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    emit(derive::auth_user(&input), || derive::stub(&input))
}

/// Turns a macro's result into tokens; on error, emits the error beside `fallback`, tokens that
/// keep rustc from piling follow-on errors on top of ours.
fn emit(
    result: syn::Result<proc_macro2::TokenStream>,
    fallback: impl FnOnce() -> proc_macro2::TokenStream,
) -> TokenStream {
    let tokens = result.unwrap_or_else(|err| {
        let mut tokens = err.into_compile_error();
        tokens.extend(fallback());
        tokens
    });
    tokens.into()
}
