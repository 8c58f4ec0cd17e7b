//! The scope list of `#[requires(scopes = [...])]`: strings, typed scopes and `any`, `all` and
//! `not` expressions, checked into a [`Term`] tree and written as `'static` data.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprCall, ExprPath, LitStr, Path, Token};

use crate::attr::{check_scope_name, string_literal, Errors};

/// One checked element of a scope list.
pub(crate) enum Term {
    /// `"notes:read"`: a scope by its wire name.
    Name(LitStr),
    /// `Scope::NotesRead`: a variant of an enum deriving `Scope`.
    Typed {
        /// `Scope`, the path without its last segment.
        ty: Path,
        /// `Scope::NotesRead`, as written.
        variant: ExprPath,
    },
    /// `all(..)`: every term holds.
    All(Vec<Term>),
    /// `any(..)`: at least one term holds.
    Any(Vec<Term>),
    /// `not(..)`: the term does not hold.
    Not(Box<Term>),
}

impl Term {
    /// Whether this term names one scope, so that a list of such terms stays a plain list.
    pub(crate) fn is_plain(&self) -> bool {
        matches!(self, Term::Name(_) | Term::Typed { .. })
    }
}

/// Checks every element of a non-empty list, reporting all problems at once.
pub(crate) fn terms<'a>(elements: impl IntoIterator<Item = &'a Expr>) -> syn::Result<Vec<Term>> {
    let mut errors = Errors::default();
    let mut terms: Vec<Term> = Vec::new();
    for element in elements {
        match term(element) {
            Ok(term) => match duplicate(&terms, &term) {
                Some(message) => errors.push_error(syn::Error::new_spanned(element, message)),
                None => terms.push(term),
            },
            Err(err) => errors.push_error(err),
        }
    }
    errors.finish(terms)
}

/// Checks one element: a string, a typed scope or an `any`/`all`/`not` call.
fn term(element: &Expr) -> syn::Result<Term> {
    match element {
        Expr::Path(path) => typed(path),
        Expr::Call(call) => combinator(call),
        Expr::Lit(_) => name(element).map(Term::Name),
        _ => Err(syn::Error::new_spanned(
            element,
            "a scope must be a string literal, a typed scope like `Scope::Admin`, \
             or `any(..)`, `all(..)` or `not(..)` of scopes",
        )),
    }
}

/// Checks a scope string with [`check_scope_name`].
fn name(element: &Expr) -> syn::Result<LitStr> {
    let lit = string_literal(element, "a scope")?;
    check_scope_name(lit, "; list each scope as its own string")?;
    Ok(lit.clone())
}

/// Checks a typed scope: a path of at least two segments, `Enum::Variant`.
fn typed(path: &ExprPath) -> syn::Result<Term> {
    if path.qself.is_some() || path.path.segments.len() < 2 {
        return Err(syn::Error::new_spanned(
            path,
            "a typed scope names its enum, like `Scope::Admin`; \
             a scope by name is a string literal, like \"admin\"",
        ));
    }
    let mut ty = path.path.clone();
    ty.segments.pop();
    ty.segments.pop_punct();
    Ok(Term::Typed {
        ty,
        variant: path.clone(),
    })
}

/// Checks `any(..)`, `all(..)` or `not(..)` and the terms inside.
fn combinator(call: &ExprCall) -> syn::Result<Term> {
    let function = match &*call.func {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident(),
        _ => None,
    };
    let parens = call.paren_token.span.join();
    match function.map(ToString::to_string).as_deref() {
        Some("any") if call.args.is_empty() => Err(syn::Error::new(
            parens,
            "`any()` without terms is never satisfied; list at least one scope",
        )),
        Some("all") if call.args.is_empty() => Err(syn::Error::new(
            parens,
            "`all()` without terms lets every signed-in user through; list at least one scope",
        )),
        Some("any") => terms(&call.args).map(Term::Any),
        Some("all") => terms(&call.args).map(Term::All),
        Some("not") => not(&call.args, parens),
        _ => Err(syn::Error::new_spanned(
            &call.func,
            "expected `any`, `all` or `not`",
        )),
    }
}

/// Checks `not(..)`: exactly one term.
fn not(args: &Punctuated<Expr, Token![,]>, parens: Span) -> syn::Result<Term> {
    match (args.first(), args.iter().nth(1)) {
        (Some(only), None) => term(only).map(|term| Term::Not(Box::new(term))),
        (None, _) => Err(syn::Error::new(
            parens,
            "`not` takes one term, like `not(\"suspended\")`",
        )),
        (Some(_), Some(second)) => Err(syn::Error::new_spanned(
            second,
            "`not` takes exactly one term; to exclude several scopes, \
             write `not(any(\"a\", \"b\"))`",
        )),
    }
}

/// The message for a term that is already in the same list, if it is one.
fn duplicate(seen: &[Term], term: &Term) -> Option<String> {
    let text = |term: &Term| match term {
        Term::Name(lit) => Some(format!("\"{}\"", lit.value())),
        Term::Typed { variant, .. } => {
            Some(format!("`{}`", variant.to_token_stream()).replace(' ', ""))
        }
        _ => None,
    };
    let this = text(term)?;
    seen.iter()
        .any(|other| text(other).as_ref() == Some(&this))
        .then(|| format!("duplicate scope {this}"))
}

// "a"                 becomes  "a"
// Scope::NotesRead    becomes  scope_name::<Scope>(Scope::NotesRead as usize)
//
// The variant keeps the user's spans, so rustc reports a misspelled one on the user's token
// (with its own "similar name" help), and a type without `Scope` on the type's token.
/// Writes a plain term as a `&'static str` constant expression.
pub(crate) fn name_tokens(term: &Term) -> TokenStream {
    match term {
        Term::Name(lit) => lit.to_token_stream(),
        Term::Typed { ty, variant } => {
            let span = ty.span();
            quote_spanned! {span=>
                ::auth_actix::__private::scope_name::<#ty>(#variant as usize)
            }
        }
        _ => TokenStream::new(),
    }
}

// all("a", not(Scope::B))
//
// becomes
//
// ScopeExpr::All(&[ScopeExpr::Scope("a"), ScopeExpr::Not(&ScopeExpr::Scope(scope_name::<..>(..)))])
//
// under `::auth_actix::__private`; inside a `static`, every `&` is promoted to `'static`.
/// Writes a term as a `ScopeExpr` constant expression.
pub(crate) fn expr_tokens(term: &Term) -> TokenStream {
    let expr = quote!(::auth_actix::__private::ScopeExpr);
    match term {
        Term::Name(_) | Term::Typed { .. } => {
            let name = name_tokens(term);
            quote!(#expr::Scope(#name))
        }
        Term::All(terms) => {
            let terms = terms.iter().map(expr_tokens);
            quote!(#expr::All(&[#(#terms),*]))
        }
        Term::Any(terms) => {
            let terms = terms.iter().map(expr_tokens);
            quote!(#expr::Any(&[#(#terms),*]))
        }
        Term::Not(term) => {
            let term = expr_tokens(term);
            quote!(#expr::Not(&#term))
        }
    }
}
