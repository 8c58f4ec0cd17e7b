//! What `#[requires]` and `#[public]` register for `auth_actix::audit`: the handler, the route
//! when an actix-web route attribute below them shows it, and the access decision.

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprAssign, Ident, LitStr, Token};

use crate::attr::string_literal;

/// actix-web's one-method route attributes, with the method each one routes.
const METHOD_ATTRIBUTES: [(&str, &str); 9] = [
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("delete", "DELETE"),
    ("head", "HEAD"),
    ("connect", "CONNECT"),
    ("options", "OPTIONS"),
    ("trace", "TRACE"),
    ("patch", "PATCH"),
];

/// The attribute among `attrs` whose path ends in `name`, such as `public` for
/// `#[auth_actix::public]`.
pub(crate) fn find<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attrs.iter().find(|attr| {
        attr.path()
            .segments
            .last()
            .is_some_and(|segment| segment.ident == name)
    })
}

/// The error for a handler that is both `#[public]` and `#[requires]`, on the attribute that
/// runs second.
pub(crate) fn conflict(other: &Attribute) -> syn::Error {
    syn::Error::new_spanned(
        other.path(),
        "a handler cannot be both `#[public]` and guarded by `#[requires]`; keep one of them",
    )
}

/// The error for a handler marked twice with `#[requires]` or twice with `#[public]`, on the
/// attribute that runs second.
pub(crate) fn duplicate(second: &Attribute) -> syn::Error {
    let message = if second
        .path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "public")
    {
        "`#[public]` is already on this handler; remove this one"
    } else {
        "`#[requires]` is already on this handler, and a handler takes one; \
         put every scope in one `scopes = [..]`, with `any(..)` for alternatives"
    };
    syn::Error::new_spanned(second.path(), message)
}

/// The route an actix-web route attribute among `attrs` declares: its methods and path.
///
/// Attributes above ours have already been expanded when we run, so only those below are seen.
fn route(attrs: &[Attribute]) -> Option<(Vec<String>, LitStr)> {
    attrs.iter().find_map(|attr| {
        let name = attr.path().segments.last()?.ident.to_string();
        let args = attr
            .parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .ok()?;
        let path = string_literal(args.first()?, "").ok()?.clone();
        if name == "route" {
            return Some((route_methods(&args), path));
        }
        let (_, method) = METHOD_ATTRIBUTES.iter().find(|(attr, _)| *attr == name)?;
        Some((vec![(*method).to_owned()], path))
    })
}

/// The `method = "..."` arguments of `#[route(..)]`.
fn route_methods(args: &Punctuated<Expr, Token![,]>) -> Vec<String> {
    args.iter()
        .filter_map(|arg| match arg {
            Expr::Assign(ExprAssign { left, right, .. })
                if matches!(&**left, Expr::Path(path) if path.path.is_ident("method")) =>
            {
                string_literal(right, "").ok().map(LitStr::value)
            }
            _ => None,
        })
        .collect()
}

// #[get("/notes/{id}")] async fn show(..)  with  access = Access::Guarded(&__AUTH_POLICY)
//
// becomes, as an item inside the handler's body,
//
// struct __AuthHandler;
// inventory::submit! {
//     Registration::new("show", module_path!(), type_name::<__AuthHandler>, &["GET"],
//         Some("/notes/{id}"), ACCESS, None)
// }
//
// with every path under `::auth_actix::__private`. The marker's type name is the handler's own
// path followed by `::__AuthHandler` (`app::notes::show::{{closure}}::__AuthHandler`, or
// `app::Notes::show::..` for an associated function): the audit matches handlers by it.
/// Writes the registration of a handler for `auth_actix::audit::routes()`.
pub(crate) fn registration(
    handler: &Ident,
    attrs: &[Attribute],
    access: TokenStream,
    check: Option<String>,
) -> TokenStream {
    let handler = syn::ext::IdentExt::unraw(handler).to_string();
    let (methods, path) = match route(attrs) {
        Some((methods, path)) => (methods, quote!(::core::option::Option::Some(#path))),
        None => (Vec::new(), quote!(::core::option::Option::None)),
    };
    let check = match check {
        Some(check) => quote!(::core::option::Option::Some(#check)),
        None => quote!(::core::option::Option::None),
    };

    quote! {
        #[allow(dead_code, non_camel_case_types)]
        struct __AuthHandler;
        ::auth_actix::__private::inventory::submit! {
            ::auth_actix::__private::Registration::new(
                #handler,
                ::core::module_path!(),
                ::core::any::type_name::<__AuthHandler>,
                &[#(#methods),*],
                #path,
                #access,
                #check,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn attrs(item: syn::ItemFn) -> Vec<Attribute> {
        item.attrs
    }

    #[test]
    fn reads_a_method_attribute_below() {
        let attrs = attrs(parse_quote!(
            #[actix_web::post("/notes", name = "add")]
            async fn h() {}
        ));

        let (methods, path) = route(&attrs).unwrap();

        assert_eq!(methods, ["POST"]);
        assert_eq!(path.value(), "/notes");
    }

    #[test]
    fn reads_the_methods_of_route() {
        let attrs = attrs(parse_quote!(
            #[doc = "x"]
            #[route("/x", method = "GET", method = "HEAD")]
            async fn h() {}
        ));

        let (methods, path) = route(&attrs).unwrap();

        assert_eq!(methods, ["GET", "HEAD"]);
        assert_eq!(path.value(), "/x");
    }

    #[test]
    fn no_route_attribute_means_no_route() {
        let attrs = attrs(parse_quote!(
            #[doc = "x"]
            async fn h() {}
        ));

        assert!(route(&attrs).is_none());
    }

    #[test]
    fn finds_an_attribute_by_its_last_segment() {
        let attrs = attrs(parse_quote!(
            #[auth_actix::public]
            async fn h() {}
        ));

        assert!(find(&attrs, "public").is_some());
        assert!(find(&attrs, "requires").is_none());
    }
}
