//! Parse phase of `#[derive(AuthUser)]`: the `#[auth(...)]` marks on a type, variant or field.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Token};

use crate::attr::{reject_value, Errors};

/// The flags `#[auth(...)]` understands, as custom keywords so an unknown one lists them.
pub(crate) mod kw {
    syn::custom_keyword!(identity);
    syn::custom_keyword!(display_name);
    syn::custom_keyword!(anonymous);
}

/// One flag inside `#[auth(...)]`.
enum Mark {
    /// `identity`: this field identifies the user.
    Identity(kw::identity),
    /// `display_name`: this field is shown to people.
    DisplayName(kw::display_name),
    /// `anonymous`: this unit variant stands for a visitor who is not signed in.
    Anonymous(kw::anonymous),
}

/// Where each flag was written among one item's `#[auth(...)]` attributes, if it was.
#[derive(Default)]
pub(crate) struct Marks {
    /// The `identity` keyword.
    pub(crate) identity: Option<Span>,
    /// The `display_name` keyword.
    pub(crate) display_name: Option<Span>,
    /// The `anonymous` keyword.
    pub(crate) anonymous: Option<Span>,
}

impl Marks {
    /// Every flag that was written, with its name, in a fixed order.
    pub(crate) fn written(&self) -> impl Iterator<Item = (&'static str, Span)> {
        [
            ("identity", self.identity),
            ("display_name", self.display_name),
            ("anonymous", self.anonymous),
        ]
        .into_iter()
        .filter_map(|(name, span)| Some((name, span?)))
    }

    /// Records `mark`, failing on the second occurrence of the same flag.
    fn record(&mut self, mark: &Mark) -> syn::Result<()> {
        let (slot, name, span) = match mark {
            Mark::Identity(key) => (&mut self.identity, "identity", key.span),
            Mark::DisplayName(key) => (&mut self.display_name, "display_name", key.span),
            Mark::Anonymous(key) => (&mut self.anonymous, "anonymous", key.span),
        };
        if slot.is_some() {
            return Err(syn::Error::new(span, format!("duplicate `{name}`")));
        }
        *slot = Some(span);
        Ok(())
    }
}

impl Parse for Mark {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        let (mark, name) = if lookahead.peek(kw::identity) {
            (Self::Identity(input.parse()?), "identity")
        } else if lookahead.peek(kw::display_name) {
            (Self::DisplayName(input.parse()?), "display_name")
        } else if lookahead.peek(kw::anonymous) {
            (Self::Anonymous(input.parse()?), "anonymous")
        } else {
            return Err(lookahead.error());
        };
        reject_value(input, name)?;
        Ok(mark)
    }
}

/// Reads every `#[auth(...)]` among `attrs`, ignoring other attributes.
pub(crate) fn marks(attrs: &[Attribute]) -> syn::Result<Marks> {
    let mut marks = Marks::default();
    let mut errors = Errors::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("auth")) {
        let parsed = attr.parse_args_with(|input: ParseStream<'_>| parse_list(input, &mut marks));
        if let Err(err) = parsed {
            errors.push_error(err);
        }
    }
    errors.finish(marks)
}

/// Parses `flag, flag, ...` (at least one) into `marks`.
fn parse_list(input: ParseStream<'_>, marks: &mut Marks) -> syn::Result<()> {
    loop {
        marks.record(&input.parse()?)?;
        if input.is_empty() {
            return Ok(());
        }
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn marks_err(attrs: Vec<Attribute>) -> String {
        match marks(&attrs) {
            Ok(_) => panic!("attributes were accepted, but should not be"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn reads_flags_across_attributes() {
        let attrs: Vec<Attribute> = vec![
            parse_quote!(#[auth(identity,)]),
            parse_quote!(#[serde(rename = "x")]),
            parse_quote!(#[auth(display_name)]),
        ];

        let marks = marks(&attrs).unwrap();

        let names: Vec<_> = marks.written().map(|(name, _)| name).collect();
        assert_eq!(names, ["identity", "display_name"]);
    }

    #[test]
    fn unknown_flag_lists_the_expected_ones() {
        let message = marks_err(vec![parse_quote!(#[auth(id)])]);

        assert_eq!(
            message,
            "expected one of: `identity`, `display_name`, `anonymous`"
        );
    }

    #[test]
    fn duplicate_flag_is_rejected() {
        let message = marks_err(vec![
            parse_quote!(#[auth(identity)]),
            parse_quote!(#[auth(identity)]),
        ]);

        assert_eq!(message, "duplicate `identity`");
    }

    #[test]
    fn flag_with_a_value_is_rejected() {
        let message = marks_err(vec![parse_quote!(#[auth(identity = "id")])]);

        assert!(message.starts_with("`identity` is a flag and takes no value"));
    }

    #[test]
    fn empty_and_bare_attributes_are_rejected() {
        assert!(marks_err(vec![parse_quote!(#[auth()])]).contains("expected one of"));
        assert!(marks_err(vec![parse_quote!(#[auth])]).contains("expected attribute arguments"));
    }
}
