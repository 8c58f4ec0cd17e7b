//! Parse phase of `#[requires(...)]`: the argument list, as written, with every key's token kept.
//!
//! Nothing here judges values; `validate` does. Keeping each key token beside its value lets a
//! duplicate key be reported on its second occurrence.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{bracketed, token, Expr, Token};

/// The keys `#[requires(...)]` understands, as custom keywords so an unknown key lists them.
pub(crate) mod kw {
    syn::custom_keyword!(scopes);
    syn::custom_keyword!(status_code);
    syn::custom_keyword!(redirect);
    syn::custom_keyword!(check);
}

/// Every `key = value` pair inside `#[requires(...)]`, in the order written.
pub(crate) struct RequiresArgs {
    /// The pairs; empty for a bare `#[requires]`.
    pub(crate) args: Punctuated<RequiresArg, Token![,]>,
}

/// One `key = value` pair of `#[requires(...)]`.
pub(crate) enum RequiresArg {
    /// `scopes = ["a", "b"]`.
    Scopes(ScopesArg),
    /// `status_code = 404`.
    StatusCode {
        /// The `status_code` keyword.
        key: kw::status_code,
        /// The value, any expression until validated.
        value: Expr,
    },
    /// `redirect = "login"` or `redirect = "/login"`.
    Redirect {
        /// The `redirect` keyword.
        key: kw::redirect,
        /// The value, any expression until validated.
        value: Expr,
    },
    /// `check = path::to::async_fn`.
    Check {
        /// The `check` keyword.
        key: kw::check,
        /// The value, any expression until validated.
        value: Expr,
    },
}

/// `scopes = [...]`, with the brackets kept so an empty list can be pointed at.
pub(crate) struct ScopesArg {
    /// The `scopes` keyword.
    pub(crate) key: kw::scopes,
    /// The square brackets around the list.
    pub(crate) bracket: token::Bracket,
    /// The elements, any expressions until validated.
    pub(crate) elements: Punctuated<Expr, Token![,]>,
}

impl RequiresArg {
    /// The key as written, for messages about duplicates.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::Scopes(_) => "scopes",
            Self::StatusCode { .. } => "status_code",
            Self::Redirect { .. } => "redirect",
            Self::Check { .. } => "check",
        }
    }

    /// The span of the key token.
    pub(crate) fn key_span(&self) -> proc_macro2::Span {
        match self {
            Self::Scopes(arg) => arg.key.span,
            Self::StatusCode { key, .. } => key.span,
            Self::Redirect { key, .. } => key.span,
            Self::Check { key, .. } => key.span,
        }
    }
}

impl Parse for RequiresArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let args = Punctuated::parse_terminated(input)?;
        Ok(Self { args })
    }
}

impl Parse for RequiresArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if lookahead.peek(kw::scopes) {
            input.parse().map(Self::Scopes)
        } else if lookahead.peek(kw::status_code) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let value = input.parse()?;
            Ok(Self::StatusCode { key, value })
        } else if lookahead.peek(kw::redirect) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let value = input.parse()?;
            Ok(Self::Redirect { key, value })
        } else if lookahead.peek(kw::check) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let value = input.parse()?;
            Ok(Self::Check { key, value })
        } else {
            Err(lookahead.error())
        }
    }
}

impl Parse for ScopesArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = input.parse()?;
        input.parse::<Token![=]>()?;
        if !input.peek(token::Bracket) {
            return Err(input.error(r#"expected a list of scopes in brackets, like `["read"]`"#));
        }
        let content;
        let bracket = bracketed!(content in input);
        let elements = Punctuated::parse_terminated(&content)?;
        Ok(Self {
            key,
            bracket,
            elements,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(tokens: &str) -> String {
        match syn::parse_str::<RequiresArgs>(tokens) {
            Ok(_) => panic!("`{tokens}` parsed, but should not"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn parses_empty_arguments() {
        let args: RequiresArgs = syn::parse_str("").unwrap();

        assert!(args.args.is_empty());
    }

    #[test]
    fn parses_every_key_in_any_order_with_trailing_comma() {
        let args: RequiresArgs = syn::parse_str(
            r#"redirect = "/login", check = a::b, status_code = 404, scopes = ["a",],"#,
        )
        .unwrap();

        let names: Vec<_> = args.args.iter().map(RequiresArg::name).collect();
        assert_eq!(names, ["redirect", "check", "status_code", "scopes"]);
    }

    #[test]
    fn unknown_key_lists_the_expected_keys() {
        let message = parse_err(r#"scope = ["a"]"#);

        assert_eq!(
            message,
            "expected one of: `scopes`, `status_code`, `redirect`, `check`"
        );
    }

    #[test]
    fn missing_equals_sign_is_an_error() {
        assert_eq!(parse_err("status_code 404"), "expected `=`");
    }

    #[test]
    fn scopes_without_brackets_is_an_error() {
        assert!(parse_err(r#"scopes = "a""#).contains("in brackets"));
    }

    #[test]
    fn missing_comma_between_pairs_is_an_error() {
        assert_eq!(
            parse_err("status_code = 404 redirect = \"a\""),
            "expected `,`"
        );
    }
}
