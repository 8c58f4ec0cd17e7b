//! Small helpers shared by both macros' parse and validate phases.

use proc_macro2::Span;
use syn::parse::ParseStream;
use syn::{Expr, ExprLit, Lit, LitStr};

/// Collects every error a phase finds, so one run reports all of them at once.
#[derive(Default)]
pub(crate) struct Errors {
    /// The errors seen so far, combined into one.
    combined: Option<syn::Error>,
}

impl Errors {
    /// Records an error spanned on `span`.
    pub(crate) fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push_error(syn::Error::new(span, message));
    }

    /// Records an error that was already built, such as one returned by a parser.
    pub(crate) fn push_error(&mut self, err: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(err),
            None => self.combined = Some(err),
        }
    }

    /// Returns `value` if nothing was recorded, and the combined errors otherwise.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.combined {
            Some(err) => Err(err),
            None => Ok(value),
        }
    }
}

/// Fails when a flag-like key such as `identity` is followed by `= value` or `(...)`.
///
/// Call it right after parsing the key; `key` names the key in the message.
pub(crate) fn reject_value(input: ParseStream<'_>, key: &str) -> syn::Result<()> {
    if input.is_empty() || input.peek(syn::Token![,]) {
        return Ok(());
    }
    Err(input.error(format_args!(
        "`{key}` is a flag and takes no value; write just `{key}`"
    )))
}

/// Returns the string literal `expr` is, or an error spanned on `expr` saying what `what` must be.
pub(crate) fn string_literal<'a>(expr: &'a Expr, what: &str) -> syn::Result<&'a LitStr> {
    let lit = match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit),
            attrs,
        }) if attrs.is_empty() => lit,
        _ => {
            return Err(syn::Error::new_spanned(
                expr,
                format_args!("{what} must be a string literal"),
            ))
        }
    };
    if !lit.suffix().is_empty() {
        return Err(syn::Error::new_spanned(
            lit,
            "a string literal here cannot have a suffix",
        ));
    }
    Ok(lit)
}

/// Checks a scope's name: not blank, no whitespace or control characters, and otherwise only
/// the characters of an OAuth scope token (RFC 6749: visible ASCII but `"` and `\`), which
/// every token format and `WWW-Authenticate` challenge can carry as written.
///
/// `whitespace_hint` ends the whitespace message, for the caller to say how to fix it.
pub(crate) fn check_scope_name(lit: &LitStr, whitespace_hint: &str) -> syn::Result<()> {
    let value = lit.value();
    let message = if value.trim().is_empty() {
        "a scope cannot be blank".to_owned()
    } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        format!("a scope cannot contain whitespace or control characters{whitespace_hint}")
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        "a scope may hold only visible ASCII characters other than `\"` and `\\`, \
         like an OAuth scope token (RFC 6749)"
            .to_owned()
    } else {
        return Ok(());
    };
    Err(syn::Error::new(lit.span(), message))
}
