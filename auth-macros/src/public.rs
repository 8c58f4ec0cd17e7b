//! `#[public]`: marks a handler as deliberately open to everyone, for `auth_actix::audit`.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::Parser;
use syn::{Block, ItemFn};

use crate::audit;

// #[public]
// async fn homepage(..) -> R { BODY }
//
// becomes
//
// async fn homepage(..) -> R {
//     inventory::submit! { Registration::new("homepage", module_path!(), .., Access::Public, None) }
//     BODY
// }
//
// The handler is otherwise unchanged: the mark only registers it.
/// Runs the whole `#[public]` pipeline: check the arguments and the item, register it.
pub(crate) fn public(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if let Some(arg) = args.into_iter().next() {
        return Err(syn::Error::new_spanned(arg, "#[public] takes no arguments"));
    }
    let mut handler: ItemFn = syn::parse2(item).map_err(|err| {
        syn::Error::new(
            err.span(),
            "#[public] marks an `async fn` handler as open to everyone",
        )
    })?;
    if handler.sig.asyncness.is_none() {
        return Err(syn::Error::new(
            handler.sig.fn_token.span,
            "#[public] marks actix-web handlers, which must be `async fn`",
        ));
    }
    if let Some(requires) = audit::find(&handler.attrs, "requires") {
        return Err(audit::conflict(requires));
    }
    if let Some(public) = audit::find(&handler.attrs, "public") {
        return Err(audit::duplicate(public));
    }

    let registration = audit::registration(
        &handler.sig.ident,
        &handler.attrs,
        quote!(::auth_actix::__private::Access::Public),
        None,
    );
    let registration = Block::parse_within.parse2(registration)?;
    handler.block.stmts.splice(0..0, registration);
    Ok(handler.into_token_stream())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_the_handler_and_keeps_its_body() {
        let out = public(
            TokenStream::new(),
            quote!(
                #[get("/")]
                async fn home() -> &'static str {
                    "hi"
                }
            ),
        )
        .unwrap()
        .to_string();

        assert!(
            out.starts_with(r#"# [get ("/")] async fn home () -> & 'static str {"#),
            "{out}"
        );
        assert!(out.contains("Access :: Public"), "{out}");
        assert!(out.contains(r#"Some ("/")"#), "{out}");
        assert!(out.ends_with(r#""hi" }"#), "{out}");
    }

    #[test]
    fn rejects_requires_on_the_same_handler() {
        let err = public(
            TokenStream::new(),
            quote!(
                #[requires]
                async fn home() {}
            ),
        )
        .unwrap_err();

        assert!(err.to_string().contains("both `#[public]` and guarded"));
    }

    #[test]
    fn rejects_a_second_public() {
        let err = public(
            TokenStream::new(),
            quote!(
                #[get("/")]
                #[auth_actix::public]
                async fn home() {}
            ),
        )
        .unwrap_err();

        assert!(
            err.to_string().contains("`#[public]` is already on"),
            "{err}"
        );
    }

    #[test]
    fn rejects_arguments_and_sync_functions() {
        assert!(public(
            quote!(x),
            quote!(
                async fn h() {}
            )
        )
        .is_err());
        assert!(public(
            TokenStream::new(),
            quote!(
                fn h() {}
            )
        )
        .is_err());
    }
}
