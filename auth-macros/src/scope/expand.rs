//! Expand phase of `#[derive(Scope)]`: writes the `Scope` impl, or a stub beside an error.

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Attribute, Data, DeriveInput, Path, Token};

use super::validate::{self, Named};

/// Runs the whole `#[derive(Scope)]` pipeline: validate, expand.
pub(crate) fn scope(input: &DeriveInput) -> syn::Result<TokenStream> {
    let named = validate::variants(input)?;
    Ok(impl_scope(input, &named))
}

// #[derive(Scope)]
// enum Api { #[scope("notes:read")] NotesRead, #[scope("admin")] Admin }
//
// becomes
//
// impl Scope for Api {
//     const ALL: &'static [Self] = &[Self::NotesRead, Self::Admin];
//     const NAMES: &'static [&'static str] = &["notes:read", "admin"];
//     fn as_str(&self) -> &'static str {
//         match self { Self::NotesRead => "notes:read", Self::Admin => "admin" }
//     }
// }
//
// with the trait under `::auth_actix::__private`. `NAMES` follows declaration order, which
// is also each variant's `as usize`: `#[requires]` indexes it with that.
/// Writes the `Scope` impl.
fn impl_scope(input: &DeriveInput, named: &[Named]) -> TokenStream {
    let name = &input.ident;
    let variants: Vec<_> = named.iter().map(|named| &named.variant).collect();
    let names: Vec<_> = named.iter().map(|named| &named.name).collect();

    quote! {
        impl ::auth_actix::__private::Scope for #name {
            const ALL: &'static [Self] = &[#(Self::#variants),*];
            const NAMES: &'static [&'static str] = &[#(#names),*];

            fn as_str(&self) -> &'static str {
                match self {
                    #(Self::#variants => #names,)*
                }
            }
        }
    }
}

/// Writes an impl with no scopes, so that uses of the enum raise no errors of their own.
///
/// Nothing is written for a struct or union, nor for an enum that does not derive `Copy`,
/// which the trait requires: the impl would only add an error of its own.
pub(crate) fn stub(input: &DeriveInput) -> TokenStream {
    if !matches!(input.data, Data::Enum(_)) || !derives_copy(&input.attrs) {
        return TokenStream::new();
    }
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics ::auth_actix::__private::Scope for #name #ty_generics #where_clause {
            const ALL: &'static [Self] = &[];
            const NAMES: &'static [&'static str] = &[];

            fn as_str(&self) -> &'static str {
                ""
            }
        }
    }
}

/// Whether a `#[derive(..)]` among `attrs` lists `Copy`.
fn derives_copy(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .any(|path| {
            path.segments
                .last()
                .is_some_and(|segment| segment.ident == "Copy")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn writes_names_in_declaration_order() {
        let out = scope(&parse_quote!(
            enum Api {
                #[scope("notes:read")]
                NotesRead,
                #[scope("admin")]
                Admin,
            }
        ))
        .unwrap()
        .to_string();

        assert!(
            out.contains(r#"const NAMES : & 'static [& 'static str] = & ["notes:read" , "admin"]"#),
            "{out}"
        );
        assert!(out.contains("Self :: NotesRead => \"notes:read\""), "{out}");
    }
}
