//! Validate phase of `#[derive(Scope)]`: a fieldless, non-generic enum whose every variant has
//! one distinct `#[scope("...")]` wire name.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, LitStr, Variant};

use crate::attr::{check_scope_name, Errors};

/// One variant and the wire name it stands for.
pub(crate) struct Named {
    /// The variant.
    pub(crate) variant: Ident,
    /// Its `#[scope("...")]` name.
    pub(crate) name: LitStr,
}

/// Checks the enum, reporting every problem at once.
pub(crate) fn variants(input: &DeriveInput) -> syn::Result<Vec<Named>> {
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(data) => return Err(not_an_enum(data.struct_token.span)),
        Data::Union(data) => return Err(not_an_enum(data.union_token.span)),
    };
    if data.variants.is_empty() {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(Scope)] needs at least one variant, each naming a scope",
        ));
    }

    let mut errors = Errors::default();
    if !input.generics.params.is_empty() {
        errors.push(
            input.generics.span(),
            "#[derive(Scope)] cannot derive for a generic enum",
        );
    }
    let mut named: Vec<Named> = Vec::new();
    for variant in &data.variants {
        match self::variant(variant) {
            Ok(this)
                if named
                    .iter()
                    .any(|seen| seen.name.value() == this.name.value()) =>
            {
                let message = format!("duplicate scope \"{}\"", this.name.value());
                errors.push(this.name.span(), message);
            }
            Ok(this) => named.push(this),
            Err(err) => errors.push_error(err),
        }
    }
    errors.finish(named)
}

/// Checks one variant: a unit variant without a discriminant, with one valid scope name.
fn variant(variant: &Variant) -> syn::Result<Named> {
    if !matches!(variant.fields, Fields::Unit) {
        return Err(syn::Error::new_spanned(
            &variant.fields,
            "a scope variant cannot have fields",
        ));
    }
    if let Some((eq, _)) = &variant.discriminant {
        return Err(syn::Error::new(
            eq.span,
            "a scope variant cannot have an explicit discriminant; \
             `#[requires]` reads the variants by their position",
        ));
    }

    let mut marks = variant
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("scope"));
    let Some(first) = marks.next() else {
        return Err(syn::Error::new(
            variant.ident.span(),
            "every variant needs its scope name, like `#[scope(\"notes:read\")]`",
        ));
    };
    if let Some(second) = marks.next() {
        return Err(syn::Error::new_spanned(
            second,
            "duplicate `#[scope(..)]`; a variant stands for one scope",
        ));
    }
    Ok(Named {
        variant: variant.ident.clone(),
        name: name(first)?,
    })
}

/// Reads and checks the string of `#[scope("...")]`.
fn name(attr: &Attribute) -> syn::Result<LitStr> {
    let lit: LitStr = attr.parse_args().map_err(|err| {
        syn::Error::new(
            err.span(),
            "expected the scope's name as a string, like `#[scope(\"notes:read\")]`",
        )
    })?;
    check_scope_name(&lit, "")?;
    Ok(lit)
}

fn not_an_enum(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "#[derive(Scope)] declares scopes as the variants of an enum",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn err(input: DeriveInput) -> String {
        match variants(&input) {
            Ok(_) => panic!("input was accepted, but should not be"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn reads_every_variant_in_order() {
        let named = variants(&parse_quote!(
            enum S {
                #[scope("a:read")]
                A,
                #[doc = "b"]
                #[scope("b")]
                B,
            }
        ))
        .unwrap();

        let names: Vec<_> = named.iter().map(|n| n.name.value()).collect();
        assert_eq!(names, ["a:read", "b"]);
    }

    #[test]
    fn rejects_a_variant_without_a_name() {
        assert!(err(parse_quote!(
            enum S {
                A,
            }
        ))
        .starts_with("every variant needs"));
    }

    #[test]
    fn rejects_duplicates_fields_and_discriminants() {
        assert!(err(parse_quote!(
            enum S {
                #[scope("a")]
                A,
                #[scope("a")]
                B,
            }
        ))
        .starts_with("duplicate scope"));
        assert!(err(parse_quote!(
            enum S {
                #[scope("a")]
                A(u8),
            }
        ))
        .contains("fields"));
        assert!(err(parse_quote!(
            enum S {
                #[scope("a")]
                A = 1,
            }
        ))
        .contains("discriminant"));
    }

    #[test]
    fn rejects_structs_and_blank_names() {
        assert!(err(parse_quote!(
            struct S;
        ))
        .contains("variants of an enum"));
        assert!(err(parse_quote!(
            enum S {
                #[scope(" ")]
                A,
            }
        ))
        .contains("blank"));
    }
}
