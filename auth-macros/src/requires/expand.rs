//! Expand phase of `#[requires(...)]`: rewrites a checked handler into one that checks the policy
//! before any of its own extractors run.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{parse_quote, AttrStyle, Block, ExprPath, Ident, ItemFn, PatType, ReturnType, Token};

use super::args::RequiresArgs;
use super::scopes::{self, Term};
use super::validate::{self, Handler, Output, Policy, Redirect};
use crate::audit;

/// Runs the whole `#[requires(...)]` pipeline: parse, validate, expand.
pub(crate) fn requires(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: RequiresArgs = syn::parse2(args)?;

    let policy = validate::policy(args);
    let handler = validate::handler(item).and_then(|handler| {
        if let Some(public) = audit::find(&handler.item.attrs, "public") {
            return Err(audit::conflict(public));
        }
        match audit::find(&handler.item.attrs, "requires") {
            Some(requires) => Err(audit::duplicate(requires)),
            None => Ok(handler),
        }
    });
    let (policy, handler) = match (policy, handler) {
        (Ok(policy), Ok(handler)) => (policy, handler),
        (Err(mut err), Err(other)) => {
            err.combine(other);
            return Err(err);
        }
        (Err(err), _) | (_, Err(err)) => return Err(err),
    };

    Ok(guard(&policy, handler))
}

// fn name(..) -> R { BODY }   (a mistake found, reported beside this)
//
// becomes
//
// async fn name(..) -> R { BODY }
//
// and any other item comes back unchanged.
/// Writes the item to emit beside `#[requires]`'s error.
///
/// A handler that is not `async` is made so: actix-web's route attributes and `.to(..)` would
/// otherwise add a second error about `Handler` for the same mistake.
pub(crate) fn fallback(item: TokenStream) -> TokenStream {
    match syn::parse2::<ItemFn>(item.clone()) {
        Ok(mut handler) if handler.sig.asyncness.is_none() && handler.sig.constness.is_none() => {
            handler.sig.asyncness = Some(Token![async](handler.sig.fn_token.span));
            handler.into_token_stream()
        }
        _ => item,
    }
}

// #[requires(scopes = ["a"])]
// pub async fn name(web::Json(post): web::Json<Post>, mut id: web::Path<u32>) -> R { BODY }
//
// becomes
//
// pub async fn name(__auth_request: HttpRequest, __auth_payload: Payload) -> Result<R> {
//     static __AUTH_POLICY: Policy = Policy::new("name").scopes(&["a"]);
//     inventory::submit! { Registration::new("name", module_path!(), .., Access::Guarded(&__AUTH_POLICY), ..) }
//     check(&__auth_request, &__AUTH_POLICY)?;
//     object_check(&__auth_request, &__AUTH_POLICY, path::to::check).await?;  // with `check = ..`
//     let __auth_args = extract::<(web::Json<Post>, web::Path<u32>,)>(&__auth_request, __auth_payload).await?;
//     let (web::Json(post), mut id,) = __auth_args;
//     let __auth_output: R = async move { /* see `run` */ BODY }.await;
//     Ok(__auth_output)
// }
//
// with all paths under `::auth_actix::__private`, and the locals hygienic so BODY cannot see
// them. Outer attributes stay on the function and inner ones open its new body.
/// Writes the guarded handler.
fn guard(policy: &Policy, handler: Handler) -> TokenStream {
    let Handler {
        item,
        params,
        output,
    } = handler;
    let ItemFn {
        attrs,
        vis,
        mut sig,
        block,
    } = item;
    let (outer_attrs, inner_attrs): (Vec<_>, Vec<_>) = attrs
        .into_iter()
        .partition(|attr| matches!(attr.style, AttrStyle::Outer));

    let request = Ident::new("__auth_request", Span::mixed_site());
    let payload = Ident::new("__auth_payload", Span::mixed_site());
    let policy_static = policy_static(policy, &sig.ident);
    let object_check = policy
        .check
        .as_ref()
        .map(|path| object_check(path, &request));
    let registration = audit::registration(
        &sig.ident,
        &outer_attrs,
        quote!(::auth_actix::__private::Access::Guarded(&__AUTH_POLICY)),
        policy.check.as_ref().map(check_name),
    );
    let extract = extract(&params, sig.paren_token.span.join(), &request, &payload);
    let run = run(&output, &block, sig.paren_token.span.close());

    sig.inputs = parse_quote!(
        #request: ::auth_actix::__private::HttpRequest,
        #payload: ::auth_actix::__private::Payload,
    );
    sig.output = match sig.output {
        ReturnType::Default => parse_quote!(-> ::auth_actix::__private::Result<()>),
        ReturnType::Type(arrow, ty) => {
            ReturnType::Type(arrow, parse_quote!(::auth_actix::__private::Result<#ty>))
        }
    };

    quote! {
        #(#outer_attrs)*
        #vis #sig {
            #(#inner_attrs)*
            #policy_static
            #registration
            ::auth_actix::__private::check(&#request, &__AUTH_POLICY)?;
            #object_check
            #extract
            #run
        }
    }
}

// check = notes::owns_note
//
// becomes
//
// object_check(&__auth_request, &__AUTH_POLICY, "notes::owns_note", notes::owns_note).await?;
//
// The path is spanned as written, so a function with the wrong signature is reported on the
// user's token, once: `object_check` is the only place that bounds it.
/// Writes the call of the object check, after the policy's own check.
fn object_check(path: &ExprPath, request: &Ident) -> TokenStream {
    let name = check_name(path);
    let call = quote_spanned! {path.span()=>
        ::auth_actix::__private::object_check(&#request, &__AUTH_POLICY, #name, #path)
    };
    quote!(#call.await?;)
}

/// The check's path as written, for log lines and the audit: `notes::owns_note`.
fn check_name(path: &ExprPath) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

// (web::Json(post): web::Json<Post>, mut id: web::Path<u32>)
//
// becomes
//
// let __auth_args = extract::<(web::Json<Post>, web::Path<u32>,)>(&__auth_request, __auth_payload).await?;
// let (web::Json(post), mut id,) = __auth_args;
//
// The call is spanned on the parameter list, so a type that is no extractor is reported there.
// Binding the tuple first keeps whatever a `_` pattern leaves in it alive until the handler
// returns, as a `_` parameter would have been.
/// Writes the extraction of every parameter, in order, as one tuple.
fn extract(params: &[PatType], span: Span, request: &Ident, payload: &Ident) -> TokenStream {
    let args = Ident::new("__auth_args", Span::mixed_site());
    let types = params.iter().map(|param| &param.ty);
    let patterns = params.iter().map(|param| &param.pat);
    let call = quote_spanned! {span=>
        ::auth_actix::__private::extract::<(#(#types,)*)>(&#request, #payload).await?
    };

    quote! {
        let #args = #call;
        let (#(#patterns,)*) = #args;
    }
}

// { BODY }  of a handler returning R
//
// becomes
//
// let __auth_output: R = async move {
//     if let Some(__auth_never) = None::<R> {
//         return __auth_never;
//     }
//     { BODY }
// }
// .await;
// Ok(__auth_output)
//
// The never-taken `return` fixes the block's output type to R before BODY is checked, so
// BODY's tail, `return`s and `?`s are checked against R as in the original function and their
// errors land in BODY. An `impl Trait` R cannot be written, so it is left to inference.
/// Writes the run of the handler's own body, and the `Ok` that returns its output.
///
/// `unit_span` is where `-> R` would be written: rustc names it as the origin of a unit type.
fn run(output: &Output, block: &Block, unit_span: Span) -> TokenStream {
    let result = Ident::new("__auth_output", Span::mixed_site());
    let (ty, span) = match output {
        Output::Unit => (quote!(()), unit_span),
        Output::Nameable(ty) => (quote!(#ty), ty.span()),
        Output::Opaque => {
            return quote! {
                let #result = async move #block.await;
                ::core::result::Result::Ok(#result)
            }
        }
    };
    // Spanned on the return type, which rustc then names as where the body's type came from.
    let never = Ident::new("__auth_never", span.resolved_at(Span::mixed_site()));
    let pin = quote_spanned! {span=>
        if let ::core::option::Option::Some(#never) = ::core::option::Option::None::<#ty> {
            return #never;
        }
    };

    // The body's statements are spliced in rather than nested as a block, which rustc's
    // `unused_braces` lint would flag on one-line handlers.
    let stmts = &block.stmts;
    quote! {
        let #result: #ty = async move {
            #pin
            #(#stmts)*
        }
        .await;
        ::core::result::Result::Ok(#result)
    }
}

// scopes = ["a", Scope::B], status_code = 404, redirect = "login"  on  fn name
//
// becomes
//
// static __AUTH_POLICY: Policy = Policy::new("name")
//     .scopes(&["a", scope_name::<Scope>(Scope::B as usize)])
//     .status_code(404)
//     .redirect(Redirect::Route("login"));   // Redirect::Path("/login") for a path
//
// with each builder call present only when its key was given. A list holding any `any`, `all`
// or `not` becomes `.expr(&ScopeExpr::All(&[..]))` instead of `.scopes(..)`.
/// Writes the `static` holding the handler's policy, built with `Policy`'s `const` builder.
fn policy_static(policy: &Policy, name: &Ident) -> TokenStream {
    let handler = name.unraw().to_string();
    let scopes = scopes_call(&policy.scopes);
    let status_code = policy
        .status_code
        .as_ref()
        .map(|code| quote!(.status_code(#code)));
    let redirect = policy.redirect.as_ref().map(|redirect| match redirect {
        Redirect::Route(route) => {
            quote!(.redirect(::auth_actix::__private::Redirect::Route(#route)))
        }
        Redirect::Path(path) => quote!(.redirect(::auth_actix::__private::Redirect::Path(#path))),
    });

    quote! {
        static __AUTH_POLICY: ::auth_actix::__private::Policy =
            ::auth_actix::__private::Policy::new(#handler) #scopes #status_code #redirect;
    }
}

/// Writes the builder call for the scope list: none, a plain list, or an expression.
fn scopes_call(terms: &[Term]) -> Option<TokenStream> {
    if terms.is_empty() {
        return None;
    }
    if terms.iter().all(Term::is_plain) {
        let names = terms.iter().map(scopes::name_tokens);
        return Some(quote!(.scopes(&[#(#names),*])));
    }
    let terms = terms.iter().map(scopes::expr_tokens);
    Some(quote!(.expr(&::auth_actix::__private::ScopeExpr::All(&[#(#terms),*]))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(args: TokenStream, item: TokenStream) -> String {
        requires(args, item).unwrap().to_string()
    }

    #[test]
    fn checks_the_policy_before_extracting() {
        let out = expand(
            quote!(),
            quote!(
                async fn h(a: A) {}
            ),
        );

        let check = out.find("check").unwrap();
        let extract = out.find("extract").unwrap();
        assert!(check < extract, "{out}");
    }

    #[test]
    fn writes_every_policy_field() {
        let out = expand(
            quote!(scopes = ["a", "b"], status_code = 404, redirect = "login"),
            quote!(
                pub async fn r#show() {}
            ),
        );

        assert!(out.contains(r#"Policy :: new ("show")"#), "{out}");
        assert!(out.contains(r#". scopes (& ["a" , "b"])"#), "{out}");
        assert!(out.contains(". status_code (404)"), "{out}");
        assert!(out
            .contains(r#". redirect (:: auth_actix :: __private :: Redirect :: Route ("login"))"#));
    }

    #[test]
    fn rejects_a_second_requires() {
        let err = requires(
            quote!(),
            quote!(
                #[get("/")]
                #[auth_actix::requires(scopes = ["admin"])]
                async fn h() {}
            ),
        )
        .unwrap_err();

        assert!(
            err.to_string().contains("`#[requires]` is already on"),
            "{err}"
        );
    }

    #[test]
    fn registers_a_marker_named_by_the_handler() {
        let out = expand(
            quote!(),
            quote!(
                async fn h() {}
            ),
        );

        assert!(out.contains("struct __AuthHandler ;"), "{out}");
        assert!(
            out.contains(":: core :: any :: type_name :: < __AuthHandler >"),
            "{out}"
        );
    }

    #[test]
    fn bare_requires_has_no_scopes_and_no_overrides() {
        let out = expand(
            quote!(),
            quote!(
                async fn h() {}
            ),
        );

        assert!(out.contains(r#"Policy :: new ("h") ;"#), "{out}");
    }

    #[test]
    fn extracts_every_parameter_as_one_tuple() {
        let out = expand(
            quote!(),
            quote!(
                async fn h(web::Path(id): web::Path<u32>, mut body: Json<T>) {}
            ),
        );

        assert!(out.contains("extract :: < (web :: Path < u32 > , Json < T > ,) >"));
        assert!(out.contains("let (web :: Path (id) , mut body ,) = __auth_args"));
    }

    #[test]
    fn wraps_the_return_type_and_annotates_it_when_nameable() {
        let out = expand(
            quote!(),
            quote!(
                async fn h() -> String {
                    s()
                }
            ),
        );

        assert!(out.contains("-> :: auth_actix :: __private :: Result < String >"));
        assert!(out.contains("let __auth_output : String = async move"));
    }

    #[test]
    fn leaves_opaque_return_types_unannotated() {
        let out = expand(
            quote!(),
            quote!(
                async fn h() -> impl Responder {
                    s()
                }
            ),
        );

        assert!(out.contains("let __auth_output = async move"), "{out}");
    }

    #[test]
    fn keeps_other_attributes_and_generics() {
        let out = expand(
            quote!(),
            quote!(
                #[get("/")]
                #[doc = "d"]
                async fn h<T: X>()
                where
                    T: Y,
                {
                    #![allow(a)]
                }
            ),
        );

        assert!(out.starts_with(r#"# [get ("/")] # [doc = "d"] async fn h < T : X >"#));
        assert!(out.contains("where T : Y"), "{out}");
        assert!(out.contains("{ # ! [allow (a)] static"), "{out}");
    }

    #[test]
    fn fallback_makes_a_sync_handler_async_and_leaves_the_rest() {
        let handler = fallback(quote!(
            #[get("/")]
            fn h() -> R {
                body()
            }
        ));
        let other = fallback(quote!(
            struct S;
        ));

        assert_eq!(
            handler.to_string(),
            r#"# [get ("/")] async fn h () -> R { body () }"#
        );
        assert_eq!(other.to_string(), "struct S ;");
    }
}
