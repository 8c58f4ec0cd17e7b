//! Expand phase of `#[derive(AuthUser)]`: writes the trait impls, or a stub impl beside an error.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Ident};

use super::validate::{self, Field, Named, Role, Shape, Variant};

/// Runs the whole `#[derive(AuthUser)]` pipeline: validate, expand.
pub(crate) fn auth_user(input: &DeriveInput) -> syn::Result<TokenStream> {
    let shape = validate::shape(input)?;

    Ok(match shape {
        Shape::Struct(named) => for_struct(input, &named),
        Shape::Enum {
            anonymous,
            variants,
        } => for_enum(input, anonymous.as_ref(), &variants),
    })
}

// #[derive(AuthUser)]
// struct User { #[auth(identity)] id: String, #[auth(display_name)] name: String }
//
// becomes
//
// impl AuthUser for User {
//     fn display_name(&self) -> &str { <String as AsRef<str>>::as_ref(&self.name) }
//     fn identity(&self) -> &str { <String as AsRef<str>>::as_ref(&self.id) }
// }
/// Writes `AuthUser` for a struct, leaving `is_authenticated` at its default of `true`.
fn for_struct(input: &DeriveInput, named: &Named) -> TokenStream {
    let display_name = &named.display_name.member;
    let display_name = as_str(&named.display_name, quote!(&self.#display_name));
    let identity = &named.identity.member;
    let identity = as_str(&named.identity, quote!(&self.#identity));

    impl_auth_user(
        input,
        quote! {
            fn display_name(&self) -> &str {
                #display_name
            }

            fn identity(&self) -> &str {
                #identity
            }
        },
    )
}

// #[derive(AuthUser)]
// enum Visitor { #[auth(anonymous)] Anon, User { #[auth(identity)] id: String }, Staff(StaffUser) }
//
// becomes
//
// impl AuthUser for Visitor {
//     fn is_authenticated(&self) -> bool {
//         match self {
//             Self::Anon => false,
//             Self::User { .. } => true,
//             Self::Staff { 0: inner } => <StaffUser as AuthUser>::is_authenticated(inner),
//         }
//     }
//     fn display_name(&self) -> &str { /* "" / <String as AsRef<str>>::as_ref(id) / delegate */ }
//     fn identity(&self) -> &str { /* likewise */ }
// }
// impl FromAnonymous for Visitor { fn anonymous() -> Self { Self::Anon } }   // with `Anon` only
/// Writes `AuthUser` for an enum, and `FromAnonymous` when it has an anonymous variant.
fn for_enum(input: &DeriveInput, anonymous: Option<&Ident>, variants: &[Variant]) -> TokenStream {
    let is_authenticated = variants.iter().map(|v| arm(v, Method::IsAuthenticated));
    let display_name = variants.iter().map(|v| arm(v, Method::DisplayName));
    let identity = variants.iter().map(|v| arm(v, Method::Identity));

    let auth_user = impl_auth_user(
        input,
        quote! {
            fn is_authenticated(&self) -> bool {
                match self { #(#is_authenticated)* }
            }

            fn display_name(&self) -> &str {
                match self { #(#display_name)* }
            }

            fn identity(&self) -> &str {
                match self { #(#identity)* }
            }
        },
    );
    let from_anonymous =
        anonymous.map(|anonymous| impl_from_anonymous(input, quote!(Self::#anonymous)));

    quote!(#auth_user #from_anonymous)
}

/// The `AuthUser` methods an enum's match arms answer.
#[derive(Clone, Copy)]
enum Method {
    /// `fn is_authenticated(&self) -> bool`.
    IsAuthenticated,
    /// `fn display_name(&self) -> &str`.
    DisplayName,
    /// `fn identity(&self) -> &str`.
    Identity,
}

impl Method {
    /// The method's name in the trait.
    fn ident(self) -> Ident {
        let name = match self {
            Self::IsAuthenticated => "is_authenticated",
            Self::DisplayName => "display_name",
            Self::Identity => "identity",
        };
        Ident::new(name, Span::call_site())
    }
}

/// Writes the match arm by which `variant` answers `method`.
fn arm(variant: &Variant, method: Method) -> TokenStream {
    let name = &variant.ident;
    let field = Ident::new("__auth_field", Span::mixed_site());
    match (&variant.role, method) {
        (Role::Anonymous(_), Method::IsAuthenticated) => quote!(Self::#name => false,),
        (Role::Anonymous(_), _) => quote!(Self::#name => "",),
        (Role::Marked(_), Method::IsAuthenticated) => quote!(Self::#name { .. } => true,),
        (Role::Marked(named), method) => {
            let read = match method {
                Method::DisplayName => &named.display_name,
                _ => &named.identity,
            };
            let member = &read.member;
            let value = as_str(read, quote!(#field));
            quote!(Self::#name { #member: #field, .. } => #value,)
        }
        (Role::Delegate(inner), method) => {
            let member = &inner.member;
            let value = delegate(inner, method, quote!(#field));
            quote!(Self::#name { #member: #field } => #value,)
        }
    }
}

/// Reads `value`, a reference to `field`, as `&str`; a field that can't be one errors on its type.
fn as_str(field: &Field, value: TokenStream) -> TokenStream {
    let ty = &field.ty;
    quote_spanned!(ty.span()=> <#ty as ::core::convert::AsRef<str>>::as_ref(#value))
}

/// Asks `value`, a reference to `field`, its own `AuthUser` answer to `method`.
fn delegate(field: &Field, method: Method, value: TokenStream) -> TokenStream {
    let ty = &field.ty;
    let method = method.ident();
    quote_spanned!(ty.span()=> <#ty as ::auth_actix::__private::AuthUser>::#method(#value))
}

/// Wraps `body` in `impl AuthUser for Type`, with the type's generics.
fn impl_auth_user(input: &DeriveInput, body: TokenStream) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::auth_actix::__private::AuthUser for #name #ty_generics #where_clause {
            #body
        }
    }
}

/// Wraps `value` in `impl FromAnonymous for Type`, with the type's generics.
fn impl_from_anonymous(input: &DeriveInput, value: TokenStream) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::auth_actix::__private::FromAnonymous for #name #ty_generics #where_clause {
            fn anonymous() -> Self {
                #value
            }
        }
    }
}

// #[derive(AuthUser)] on input the derive rejected
//
// becomes, beside the compile_error!,
//
// impl AuthUser for Type { fn display_name(&self) -> &str { "" } fn identity(&self) -> &str { "" } }
// impl FromAnonymous for Type { fn anonymous() -> Self { unreachable!() } }   // enums only
/// Writes impls that stand in for the real ones, so rustc reports only the derive's own error
/// and not every place that needs `Type: AuthUser`.
pub(crate) fn stub(input: &DeriveInput) -> TokenStream {
    let auth_user = impl_auth_user(
        input,
        quote! {
            fn display_name(&self) -> &str {
                ""
            }

            fn identity(&self) -> &str {
                ""
            }
        },
    );
    // The `compile_error!` beside this stub stops the build, so the body is never run.
    let from_anonymous = match input.data {
        Data::Enum(_) => impl_from_anonymous(
            input,
            quote!(::core::unreachable!(
                "#[derive(AuthUser)] failed to compile"
            )),
        ),
        Data::Struct(_) | Data::Union(_) => TokenStream::new(),
    };
    quote!(#auth_user #from_anonymous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn expand(input: DeriveInput) -> String {
        auth_user(&input).unwrap().to_string()
    }

    #[test]
    fn struct_reads_marked_fields_as_str() {
        let out = expand(parse_quote!(
            struct U<'a> {
                #[auth(identity)]
                id: String,
                #[auth(display_name)]
                name: &'a str,
            }
        ));

        assert!(out.contains("for U < 'a >"), "{out}");
        assert!(out
            .contains("< String as :: core :: convert :: AsRef < str >> :: as_ref (& self . id)"));
        assert!(out.contains(
            "< & 'a str as :: core :: convert :: AsRef < str >> :: as_ref (& self . name)"
        ));
        assert!(!out.contains("is_authenticated"), "{out}");
    }

    #[test]
    fn tuple_struct_reads_fields_by_position() {
        let out = expand(parse_quote!(
            struct U(#[auth(identity)] String);
        ));

        assert!(out.contains("as_ref (& self . 0)"), "{out}");
    }

    #[test]
    fn enum_matches_every_variant() {
        let out = expand(parse_quote!(
            enum V {
                #[auth(anonymous)]
                Anon,
                User {
                    #[auth(identity)]
                    id: String,
                },
                Staff(StaffUser),
            }
        ));

        assert!(out.contains("Self :: Anon => false"), "{out}");
        assert!(out.contains("Self :: User { .. } => true"), "{out}");
        assert!(
            out.contains("Self :: User { id : __auth_field , .. } =>"),
            "{out}"
        );
        assert!(out.contains(
            "Self :: Staff { 0 : __auth_field } => < StaffUser as :: auth_actix :: __private :: AuthUser > :: identity (__auth_field)"
        ), "{out}");
        assert!(
            out.contains("fn anonymous () -> Self { Self :: Anon }"),
            "{out}"
        );
    }

    #[test]
    fn stub_implements_the_traits_without_reading_fields() {
        let out = stub(&parse_quote!(
            enum V {
                A,
            }
        ));

        assert!(out.to_string().contains("AuthUser for V"));
        assert!(out.to_string().contains("FromAnonymous for V"));
    }
}
