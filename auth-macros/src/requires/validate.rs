//! Validate phase of `#[requires(...)]`: turns raw arguments and the annotated item into a
//! [`Policy`] and a [`Handler`] that expansion can trust, or into spanned errors.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{
    Expr, ExprLit, ExprPath, FnArg, Item, ItemFn, Lit, LitInt, LitStr, PatType, ReturnType, Type,
};

use super::args::{RequiresArg, RequiresArgs, ScopesArg};
use super::scopes::{self, Term};
use crate::attr::{string_literal, Errors};

/// What a guarded handler demands of the request, checked and ready to expand.
pub(crate) struct Policy {
    /// Terms the user's scopes must satisfy, all of them; empty means "authenticated is enough".
    pub(crate) scopes: Vec<Term>,
    /// The status to answer with instead of 403, as an unsuffixed literal.
    pub(crate) status_code: Option<LitInt>,
    /// Where to send a visitor who is not signed in, instead of answering 401.
    pub(crate) redirect: Option<Redirect>,
    /// The object check to run after the scopes, `path::to::async_fn`.
    pub(crate) check: Option<ExprPath>,
}

/// The checked value of `redirect = "..."`.
pub(crate) enum Redirect {
    /// A route name to resolve with `url_for`, such as `"login"`.
    Route(LitStr),
    /// A path on this site, such as `"/login"`.
    Path(LitStr),
}

/// The annotated function, checked to be something `#[requires]` can rewrite.
pub(crate) struct Handler {
    /// The function as the user wrote it.
    pub(crate) item: ItemFn,
    /// Its parameters, every one a pattern with a type (no receiver).
    pub(crate) params: Vec<PatType>,
    /// What its return type allows expansion to write down.
    pub(crate) output: Output,
}

/// The return type of a handler, sorted by whether it can be named in a `let`.
pub(crate) enum Output {
    /// No `-> R`: the handler returns `()`.
    Unit,
    /// A type that can annotate a `let`.
    Nameable(Box<Type>),
    /// A type mentioning `impl Trait`, which only the compiler can name.
    Opaque,
}

/// Checks every argument, reporting all problems found at once.
pub(crate) fn policy(args: RequiresArgs) -> syn::Result<Policy> {
    let mut errors = Errors::default();
    let mut seen: Vec<&'static str> = Vec::new();
    let mut policy = Policy {
        scopes: Vec::new(),
        status_code: None,
        redirect: None,
        check: None,
    };

    for arg in args.args {
        if seen.contains(&arg.name()) {
            let message = format!("duplicate `{}`; each key may be given once", arg.name());
            errors.push(arg.key_span(), message);
            continue;
        }
        seen.push(arg.name());

        let checked = match arg {
            RequiresArg::Scopes(arg) => scopes(&arg).map(|scopes| policy.scopes = scopes),
            RequiresArg::StatusCode { value, .. } => {
                status_code(&value).map(|code| policy.status_code = Some(code))
            }
            RequiresArg::Redirect { value, .. } => {
                redirect(&value).map(|target| policy.redirect = Some(target))
            }
            RequiresArg::Check { value, .. } => check(value).map(|path| policy.check = Some(path)),
        };
        if let Err(err) = checked {
            errors.push_error(err);
        }
    }

    errors.finish(policy)
}

/// Checks `scopes = [...]`: not empty, every element a distinct scope or expression.
fn scopes(arg: &ScopesArg) -> syn::Result<Vec<Term>> {
    if arg.elements.is_empty() {
        return Err(syn::Error::new(
            arg.bracket.span.join(),
            "an empty scope list would let every signed-in user through; \
             omit `scopes` to require only authentication",
        ));
    }
    scopes::terms(&arg.elements)
}

/// Checks `check = path`: the path of the object-check function.
fn check(value: Expr) -> syn::Result<ExprPath> {
    match value {
        Expr::Path(path) => Ok(path),
        other => Err(syn::Error::new_spanned(
            other,
            "`check` takes the path of an async fn, like `check = notes::owns_note`",
        )),
    }
}

/// Checks `status_code = N`: an integer literal for an HTTP error status.
fn status_code(value: &Expr) -> syn::Result<LitInt> {
    const MESSAGE: &str = "`status_code` must be an integer literal between 400 and 599, \
                           the statuses that refuse a request";
    let Expr::Lit(ExprLit {
        lit: Lit::Int(lit), ..
    }) = value
    else {
        return Err(syn::Error::new_spanned(value, MESSAGE));
    };
    if !matches!(lit.suffix(), "" | "u16") {
        return Err(syn::Error::new(lit.span(), MESSAGE));
    }
    match lit.base10_parse::<u16>() {
        Ok(code @ 400..=599) => Ok(LitInt::new(&code.to_string(), lit.span())),
        _ => Err(syn::Error::new(lit.span(), MESSAGE)),
    }
}

/// Checks `redirect = "..."`: a route name, or a path that stays on this site.
fn redirect(value: &Expr) -> syn::Result<Redirect> {
    let lit = string_literal(value, "`redirect`")?;
    let target = lit.value();
    let problem = if target.starts_with('/') {
        path_problem(&target)
    } else {
        route_problem(&target)
    };
    match problem {
        Some(message) => Err(syn::Error::new(lit.span(), message)),
        None if target.starts_with('/') => Ok(Redirect::Path(lit.clone())),
        None => Ok(Redirect::Route(lit.clone())),
    }
}

/// Says what is wrong with a redirect path starting with `/`, if anything.
fn path_problem(path: &str) -> Option<&'static str> {
    if path.starts_with("//") || path.starts_with("/\\") {
        Some(
            "`redirect` path starts a protocol-relative URL that leaves this site; \
             use a single leading `/`, like \"/login\"",
        )
    } else if path.contains('\\') {
        Some("`redirect` path cannot contain `\\`; browsers read it as `/`")
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("`redirect` path cannot contain whitespace or control characters")
    } else if path.contains("://") {
        Some("`redirect` path cannot contain `://`; redirects must stay on this site")
    } else if !path.is_ascii() {
        Some("`redirect` path holds only ASCII; percent-encode other characters")
    } else if path.contains('#') {
        Some("`redirect` path cannot contain a `#` fragment; the `next` parameter would be lost in it")
    } else if has_next_parameter(path) {
        Some("`redirect` path cannot carry its own `next` parameter; the guard adds it")
    } else {
        None
    }
}

/// Whether the query of `path` already holds a `next` parameter, as written or with letters
/// percent-encoded (`%6Eext`), which the guard's own would then follow. `;` separates
/// parameters for some parsers, so it counts as `&` does.
fn has_next_parameter(path: &str) -> bool {
    path.split_once('?').is_some_and(|(_, query)| {
        query
            .split(['&', ';'])
            .any(|pair| percent_decoded(pair.split('=').next().unwrap_or("")) == b"next")
    })
}

/// `text` with every `%XX` escape decoded once.
fn percent_decoded(text: &str) -> Vec<u8> {
    let hex = |byte: &u8| char::from(*byte).to_digit(16);
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escape = match bytes[at..] {
            [b'%', ref high, ref low, ..] => hex(high).zip(hex(low)),
            _ => None,
        };
        match escape {
            Some((high, low)) => {
                decoded.push((high * 16 + low) as u8);
                at += 3;
            }
            None => {
                decoded.push(bytes[at]);
                at += 1;
            }
        }
    }
    decoded
}

/// Says what is wrong with a redirect route name, if anything.
fn route_problem(name: &str) -> Option<&'static str> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':');
    if name.is_empty() {
        Some("`redirect` needs a route name like \"login\" or a local path like \"/login\"")
    } else if name.contains("://") {
        Some(
            "`redirect` cannot be an absolute URL; redirects must stay on this site, \
             so give a route name like \"login\" or a local path like \"/login\"",
        )
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("`redirect` route name cannot contain whitespace or control characters")
    } else if !name.chars().all(allowed) {
        Some(
            "`redirect` route name may hold only ASCII letters, digits, `_`, `-`, `.` and `:`; \
             a local path must start with `/`",
        )
    } else {
        None
    }
}

/// Checks that `item` is an `async fn` with extractor parameters only.
pub(crate) fn handler(item: TokenStream) -> syn::Result<Handler> {
    let item: ItemFn = syn::parse2(item.clone()).map_err(|_| not_a_function(item))?;
    let mut errors = Errors::default();
    let sig = &item.sig;

    if sig.asyncness.is_none() {
        errors.push(
            sig.fn_token.span,
            "#[requires] guards actix-web handlers, which must be `async fn`",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(
            unsafety.span,
            "#[requires] guards actix-web handlers, which cannot be `unsafe fn`",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.push(
            abi.extern_token.span,
            "#[requires] guards actix-web handlers, which use the Rust ABI",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(
            variadic.span(),
            "#[requires] cannot guard a C-variadic function",
        );
    }
    let mut params = Vec::new();
    for input in &sig.inputs {
        match param(input) {
            Ok(param) => params.push(param.clone()),
            Err(err) => errors.push_error(err),
        }
    }
    let output = output(&sig.output);

    errors.finish(Handler {
        item,
        params,
        output,
    })
}

/// Checks one parameter: a typed pattern whose type can be named for extraction.
fn param(input: &FnArg) -> syn::Result<&PatType> {
    let param = match input {
        FnArg::Typed(param) => param,
        FnArg::Receiver(receiver) => {
            return Err(syn::Error::new_spanned(
                receiver,
                "#[requires] cannot guard a method taking `self`; actix-web handlers take \
                 only extractors, so make it an associated function",
            ))
        }
    };
    if let Some(attr) = param.attrs.first() {
        return Err(syn::Error::new_spanned(
            attr,
            "#[requires] cannot keep attributes on handler parameters",
        ));
    }
    if mentions_impl_trait(param.ty.to_token_stream()) {
        return Err(syn::Error::new_spanned(
            &param.ty,
            "#[requires] cannot extract an `impl Trait` parameter; name the extractor type",
        ));
    }
    Ok(param)
}

/// Sorts the return type by whether expansion may write it in a `let`.
fn output(output: &ReturnType) -> Output {
    match output {
        ReturnType::Default => Output::Unit,
        ReturnType::Type(_, ty) if mentions_impl_trait(ty.to_token_stream()) => Output::Opaque,
        ReturnType::Type(_, ty) => Output::Nameable(ty.clone()),
    }
}

/// Whether `impl` appears anywhere in a type, as in `impl Responder` or `Vec<impl Trait>`.
fn mentions_impl_trait(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == "impl",
        TokenTree::Group(group) => mentions_impl_trait(group.stream()),
        _ => false,
    })
}

/// Builds the error for an item that is not a function with a body.
fn not_a_function(item: TokenStream) -> syn::Error {
    if let Ok(method) = syn::parse2::<syn::TraitItemFn>(item.clone()) {
        if let Some(semi) = method.semi_token {
            return syn::Error::new(
                semi.span,
                "#[requires] needs the handler's body; put it on the function that has one",
            );
        }
    }
    let span = syn::parse2::<Item>(item).map_or_else(|_| Span::call_site(), |item| keyword(&item));
    syn::Error::new(span, "#[requires] can only guard an `async fn` handler")
}

/// The span of the keyword that says what kind of item this is, like `struct`.
fn keyword(item: &Item) -> Span {
    match item {
        Item::Const(item) => item.const_token.span,
        Item::Enum(item) => item.enum_token.span,
        Item::Impl(item) => item.impl_token.span,
        Item::Mod(item) => item.mod_token.span,
        Item::Static(item) => item.static_token.span,
        Item::Struct(item) => item.struct_token.span,
        Item::Trait(item) => item.trait_token.span,
        Item::Type(item) => item.type_token.span,
        Item::Union(item) => item.union_token.span,
        Item::Use(item) => item.use_token.span,
        _ => Span::call_site(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn policy_err(args: TokenStream) -> String {
        let args = syn::parse2(args).unwrap();
        match policy(args) {
            Ok(_) => panic!("arguments were accepted, but should not be"),
            Err(err) => err.to_string(),
        }
    }

    fn handler_err(item: TokenStream) -> String {
        match handler(item) {
            Ok(_) => panic!("item was accepted, but should not be"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn accepts_every_key() {
        let args = syn::parse2(quote!(
            scopes = ["a", "b:c"],
            status_code = 404,
            redirect = "/x"
        ));

        let policy = policy(args.unwrap()).unwrap();

        assert_eq!(policy.scopes.len(), 2);
        assert_eq!(policy.status_code.unwrap().to_string(), "404");
        assert!(matches!(policy.redirect, Some(Redirect::Path(_))));
    }

    #[test]
    fn empty_scope_list_is_rejected() {
        assert!(policy_err(quote!(scopes = [])).contains("empty scope list"));
    }

    #[test]
    fn scope_must_be_a_string_literal() {
        assert!(policy_err(quote!(scopes = [read])).starts_with("a typed scope names its enum"));
        assert!(policy_err(quote!(scopes = [1])).contains("must be a string literal"));
    }

    #[test]
    fn blank_scope_is_rejected() {
        assert_eq!(
            policy_err(quote!(scopes = ["  "])),
            "a scope cannot be blank"
        );
    }

    #[test]
    fn scope_with_whitespace_is_rejected() {
        assert!(policy_err(quote!(scopes = ["read write"])).contains("whitespace"));
        assert!(policy_err(quote!(scopes = ["read\u{7}"])).contains("control"));
    }

    #[test]
    fn scope_outside_the_oauth_scope_token_characters_is_rejected() {
        for scope in ["a\"b", "a\\b", "\u{e9}crire", "zero\u{200b}width"] {
            assert!(
                policy_err(quote!(scopes = [#scope])).contains("RFC 6749"),
                "{scope:?}"
            );
        }
        let args = syn::parse2(quote!(
            scopes = ["notes:read", "a!#$%&'()*+,-./;<=>?@[]^_`{|}~"]
        ));
        assert!(policy(args.unwrap()).is_ok());
    }

    #[test]
    fn duplicate_scope_is_rejected() {
        assert_eq!(
            policy_err(quote!(scopes = ["a", "a"])),
            "duplicate scope \"a\""
        );
    }

    #[test]
    fn duplicate_key_is_rejected() {
        let message = policy_err(quote!(status_code = 404, status_code = 404));

        assert!(message.starts_with("duplicate `status_code`"));
    }

    #[test]
    fn status_code_must_be_an_error_status() {
        for value in [
            quote!(302),
            quote!(600),
            quote!(70000),
            quote!(-404),
            quote!("404"),
        ] {
            let message = policy_err(quote!(status_code = #value));
            assert!(
                message.contains("between 400 and 599"),
                "{value}: {message}"
            );
        }
    }

    #[test]
    fn status_code_accepts_u16_suffix_only() {
        let args = syn::parse2(quote!(status_code = 401u16)).unwrap();

        assert!(policy(args).is_ok());
        assert!(policy_err(quote!(status_code = 401u8)).contains("between 400 and 599"));
    }

    #[test]
    fn redirect_accepts_route_names_and_local_paths() {
        for (value, is_path) in [
            ("login", false),
            ("auth:login-page.v2", false),
            ("/a?b=c", true),
            ("/a?nextpage=2&b=next", true),
            ("/caf%C3%A9?%6Eextpage=1", true),
        ] {
            let args = syn::parse2(quote!(redirect = #value)).unwrap();
            let redirect = policy(args).unwrap().redirect.unwrap();
            assert_eq!(matches!(redirect, Redirect::Path(_)), is_path, "{value}");
        }
    }

    #[test]
    fn redirect_rejects_targets_that_leave_the_site() {
        let cases = [
            ("https://evil.example", "absolute URL"),
            ("//evil.example", "protocol-relative"),
            ("/\\evil.example", "protocol-relative"),
            ("/a\\b", "`\\`"),
            ("/next?u=http://x", "`://`"),
            ("/log in", "whitespace"),
            ("log in", "whitespace"),
            ("", "needs a route name"),
            ("login?x", "ASCII letters"),
            ("/login?next=/x", "its own `next`"),
            ("/login?a=1&next", "its own `next`"),
            ("/login?%6Eext=/x", "its own `next`"),
            ("/login?nex%74=1", "its own `next`"),
            ("/login?a=1;next=/x", "its own `next`"),
            ("/\u{3000}/evil.example", "whitespace"),
            ("/caf\u{e9}", "only ASCII"),
        ];
        for (value, expected) in cases {
            let message = policy_err(quote!(redirect = #value));
            assert!(message.contains(expected), "{value:?}: {message}");
        }
    }

    #[test]
    fn accepts_async_fn_with_extractors() {
        let handler = handler(quote!(
            async fn h(mut a: A, (b, c): (B, C)) -> impl X {}
        ))
        .unwrap();

        assert_eq!(handler.params.len(), 2);
        assert!(matches!(handler.output, Output::Opaque));
    }

    #[test]
    fn sorts_return_types() {
        let unit = handler(quote!(
            async fn h() {}
        ))
        .unwrap();
        let named = handler(quote!(
            async fn h() -> Result<String, E> {}
        ))
        .unwrap();

        assert!(matches!(unit.output, Output::Unit));
        assert!(matches!(named.output, Output::Nameable(_)));
    }

    #[test]
    fn rejects_sync_fn() {
        assert!(handler_err(quote!(
            fn h() {}
        ))
        .contains("must be `async fn`"));
    }

    #[test]
    fn rejects_self_receiver() {
        assert!(handler_err(quote!(
            async fn h(&self) {}
        ))
        .contains("taking `self`"));
    }

    #[test]
    fn rejects_non_functions() {
        assert!(handler_err(quote!(
            struct S;
        ))
        .contains("can only guard"));
        assert!(handler_err(quote!(
            async fn h(&self);
        ))
        .contains("needs the handler's body"));
    }

    #[test]
    fn rejects_impl_trait_parameter() {
        assert!(handler_err(quote!(
            async fn h(a: impl X) {}
        ))
        .contains("`impl Trait`"));
    }

    #[test]
    fn rejects_parameter_attributes() {
        let message = handler_err(quote!(
            async fn h(#[allow(unused)] a: A) {}
        ));

        assert!(message.contains("attributes on handler parameters"));
    }
}
