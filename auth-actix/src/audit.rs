//! The route audit: every handler marked `#[requires]` or `#[public]`, registered at compile
//! time, and a check that an application's handlers are all one or the other.
//!
//! Each `#[requires(..)]` and `#[public]` adds an entry to a registry (with the `inventory`
//! crate) as the program is linked; [`routes`] lists them. An entry knows the handler's name
//! and module, its policy, and its route when an actix-web route attribute (`#[get("/x")]`,
//! `#[route(..)]`) sits *below* the marker: attributes expand from the top, so one above has
//! already turned the function into a service when the marker sees it. Routes registered with
//! `web::resource(..).get(handler)` or guarded with [`Guarded`](crate::Guarded) have no route
//! in the registry.
//!
//! actix-web does not let a program list the routes an `App` holds, so the audit cannot find
//! an unmarked handler by itself. [`assert_all_routes_covered`] checks a list of handlers
//! instead: keep it beside the code that registers the routes (the demo keeps
//! `demo::HANDLERS` next to `configure`), build it with [`handlers!`](crate::handlers) so that
//! a renamed or removed handler fails to compile, and test it:
//!
//! ```
//! use auth_actix::audit::{self, HandlerRef};
//! use auth_actix::{handlers, public, requires};
//!
//! #[public]
//! async fn homepage() -> &'static str {
//!     "hello"
//! }
//!
//! #[requires(scopes = ["admin"])]
//! async fn admin() -> &'static str {
//!     "admin"
//! }
//!
//! /// Every handler the application routes to.
//! const HANDLERS: &[HandlerRef] = &handlers![homepage, admin];
//!
//! // In a test of the application:
//! audit::assert_all_routes_covered(HANDLERS);
//!
//! let admin = audit::routes().into_iter().find(|route| route.handler() == "admin").unwrap();
//! assert_eq!(admin.access().to_string(), r#"scopes = all("admin")"#);
//! ```
//!
//! A handler is matched by the function its name resolves to, not by the name: `handlers!`
//! records the full path the compiler gives the function (or the service an actix-web route
//! attribute made of it), each registration records the full path of the function it marks,
//! and a handler is covered only when the two are the same. So a name brought in by `use`, or
//! a function of the same name in another module or impl, cannot pass for a marked one:
//!
//! ```
//! use auth_actix::{audit, handlers};
//!
//! mod admin {
//!     #[auth_actix::requires]
//!     pub async fn index() -> &'static str {
//!         "admin"
//!     }
//! }
//!
//! mod site {
//!     pub async fn index() -> &'static str {
//!         "unmarked"
//!     }
//! }
//!
//! use site::index;
//!
//! let uncovered = audit::uncovered(&handlers![index, admin::index]);
//! assert_eq!(uncovered.len(), 1);
//! assert_eq!(uncovered[0].name(), "index");
//! assert!(uncovered[0].path().ends_with("::site::index"));
//! ```
//!
//! Handlers may be named by any path that reaches them: `dashboard`, `routes::dashboard`,
//! `crate::routes::dashboard`, `super::dashboard`, `Admin::panel` for an associated function.
//!
//! Two limits remain. The compiler names a function declared inside another function's body
//! by the outer function's path, whatever block or closure holds it, so two such handlers of
//! one name in one function cannot be told apart: declare handlers at module level. And a
//! second `#[requires]` or `#[public]` on one handler is a compile error only under those
//! names: imported under other names (`use auth_actix::requires as guard`), both markers
//! apply, both guards run, and the handler is registered twice.

use std::fmt;

use crate::Policy;

/// How a registered handler is protected.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Access {
    /// Marked `#[public]`: open to everyone on purpose.
    Public,
    /// Guarded by `#[requires]` with this policy.
    Guarded(&'static Policy),
}

impl fmt::Display for Access {
    /// `public`, or the policy as `#[requires]` takes it, such as `scopes = all("admin")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Access::Public => f.write_str("public"),
            Access::Guarded(policy) => fmt::Display::fmt(policy, f),
        }
    }
}

/// One handler marked `#[requires]` or `#[public]`, as registered at compile time.
#[derive(Debug)]
pub struct Registration {
    handler: &'static str,
    module: &'static str,
    item: fn() -> &'static str,
    methods: &'static [&'static str],
    path: Option<&'static str>,
    access: Access,
    check: Option<&'static str>,
}

impl Registration {
    /// What the macros register; not a public API.
    ///
    /// `item` gives the type name of a marker type declared inside the handler's body, which
    /// names the handler's own path as the compiler resolved it.
    #[doc(hidden)]
    pub const fn new(
        handler: &'static str,
        module: &'static str,
        item: fn() -> &'static str,
        methods: &'static [&'static str],
        path: Option<&'static str>,
        access: Access,
        check: Option<&'static str>,
    ) -> Self {
        Self {
            handler,
            module,
            item,
            methods,
            path,
            access,
            check,
        }
    }

    /// The handler function's name.
    pub fn handler(&self) -> &'static str {
        self.handler
    }

    /// The module the handler is defined in, as `module_path!()` gives it.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The handler's full path, such as `app::routes::dashboard`, or
    /// `app::routes::Admin::panel` for an associated function: the path the audit matches
    /// the names given to [`handlers!`](crate::handlers) against.
    ///
    /// A handler under an actix-web route attribute is named by the service the attribute
    /// makes of it, which has the function's path. The arguments of a generic type show as
    /// they were written (`app::Api<u8>::list`), or as `_` for an impl generic over them
    /// (`app::Api<_>::list`, which covers every instantiation).
    pub fn path_name(&self) -> String {
        item_path(self.handler, (self.item)())
            .unwrap_or_else(|| format!("{}::{}", self.module, self.handler))
    }

    /// The HTTP methods of the route attribute below the marker; empty when none was seen.
    pub fn methods(&self) -> &'static [&'static str] {
        self.methods
    }

    /// The path pattern of the route attribute below the marker, when there is one.
    pub fn route(&self) -> Option<&'static str> {
        self.path
    }

    /// Whether the handler is public or guarded, and by what.
    pub fn access(&self) -> Access {
        self.access
    }

    /// The object check the guard runs, as written in `check = ..`.
    pub fn check(&self) -> Option<&'static str> {
        self.check
    }

    /// The path this registration is matched by, when the compiler's name for it is exact.
    fn matched_path(&self) -> Option<String> {
        item_path(self.handler, (self.item)())
    }
}

/// The marker type the macros declare in every registered handler's body.
const MARKER: &str = "::__AuthHandler";

/// actix-web's route attributes turn `async fn name` into `struct name` with the function
/// nested in `<name as HttpServiceFactory>::register`.
const SERVICE_REGISTER: &str = ">::register::";

// `type_name` of the marker, and what this makes of it:
//
//   app::routes::dashboard::{{closure}}::__AuthHandler           app::routes::dashboard
//   app::routes::Admin::panel::{{closure}}::__AuthHandler        app::routes::Admin::panel
//   app::routes::Pages<_>::help::{{closure}}::__AuthHandler      app::routes::Pages<_>::help
//   <app::routes::show as actix_web::..::HttpServiceFactory>::register::show::{{closure}}::__AuthHandler
//                                                                app::routes::show
//   <app::routes::Admin as app::Panel>::panel::..                (kept: no path names it)
/// The path of the handler whose marker type is named `marker`, without the closures around
/// the marker; `None` when the name is not one the macros produce. Generic arguments stay,
/// `_` where the handler is generic over them: see [`path_matches`].
fn item_path(handler: &str, marker: &str) -> Option<String> {
    let mut path = marker.strip_suffix(MARKER)?;
    while let Some(outer) = path.strip_suffix("::{{closure}}") {
        path = outer;
    }
    if let Some(qualified) = path.strip_prefix('<') {
        // `<app::routes::show as ..HttpServiceFactory>::register::show`: the service `show`.
        let service = qualified.split_once(" as ").and_then(|(service, rest)| {
            let registers = rest.strip_suffix(handler)?.ends_with(SERVICE_REGISTER);
            let named = service == handler || service.ends_with(&format!("::{handler}"));
            let plain = !service.contains(['<', '>', ' ']);
            (registers && named && plain).then_some(service)
        });
        return Some(service.unwrap_or(path).to_owned());
    }
    Some(path.to_owned())
}

/// Whether the handler path `path` (a function item's type name) is the handler registered as
/// `pattern` (what [`item_path`] makes of its marker).
///
/// They must be the same but where `pattern` has `_`, which stands for any one type: the
/// marker of a handler in a generic impl names the impl's parameters `_`, so that handler
/// is registered for every instantiation. `Api<u8>::list` and `Api<u16>::list` differ. The
/// generic arguments of the function itself (`show<u8>`) are left out of the marker's
/// name, so they may follow `path`'s last segment.
fn path_matches(pattern: &str, path: &str) -> bool {
    let (pattern, path) = (pattern.as_bytes(), path.as_bytes());
    let (mut p, mut q) = (0, 0);
    while p < pattern.len() {
        let wildcard = pattern[p] == b'_'
            && p > 0
            && matches!(pattern[p - 1], b'<' | b' ' | b'(' | b'[')
            && matches!(pattern.get(p + 1), Some(b'>' | b',' | b')' | b']' | b';'));
        if wildcard {
            let end = type_end(path, q);
            if end == q {
                return false;
            }
            (p, q) = (p + 1, end);
            continue;
        }
        if path.get(q) != Some(&pattern[p]) {
            return false;
        }
        (p, q) = (p + 1, q + 1);
    }
    // The function's own generic arguments.
    q == path.len() || (path[q] == b'<' && type_end(path, q + 1) + 1 == path.len())
}

/// Where the type starting at `from` in `path` ends: at the first `,`, `>`, `)`, `]` or `;`
/// outside brackets (the `>` of `->` closes nothing).
fn type_end(path: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut at = from;
    while at < path.len() {
        match path[at] {
            b'<' | b'(' | b'[' => depth += 1,
            b'>' if at > 0 && path[at - 1] == b'-' => {}
            b'>' | b')' | b']' | b',' | b';' if depth == 0 => return at,
            b'>' | b')' | b']' => depth -= 1,
            _ => {}
        }
        at += 1;
    }
    at
}

/// `path` without its generic arguments: `a::Pages<u8>::help` becomes `a::Pages::help`.
///
/// A path that starts with `<` (a qualified path) is kept whole.
fn without_generics(path: &str) -> String {
    if path.starts_with('<') {
        return path.to_owned();
    }
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    let mut previous = ' ';
    for c in path.chars() {
        match c {
            '<' => depth += 1,
            // The `>` of `->`, as in `fn() -> u8`, closes nothing.
            '>' if previous != '-' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
        previous = c;
    }
    out
}

inventory::collect!(Registration);

/// Every handler marked `#[requires]` or `#[public]` in the program, ordered by module and name.
///
/// # Examples
///
/// See the [module documentation](self).
pub fn routes() -> Vec<&'static Registration> {
    let mut routes: Vec<_> = inventory::iter::<Registration>.into_iter().collect();
    routes.sort_by_key(|route| (route.module, route.handler, route.path));
    routes
}

/// A handler named for the audit, made by [`handlers!`](crate::handlers): the path as written,
/// and the path the compiler resolved it to.
#[derive(Clone, Copy, Debug)]
pub struct HandlerRef {
    name: &'static str,
    resolve: fn() -> &'static str,
}

impl HandlerRef {
    /// What [`handlers!`](crate::handlers) writes; not a public API.
    ///
    /// `resolve` gives the type name of the handler, which is its full path.
    #[doc(hidden)]
    pub const fn new(name: &'static str, resolve: fn() -> &'static str) -> Self {
        Self { name, resolve }
    }

    /// The handler's path as written in [`handlers!`](crate::handlers), such as `dashboard` or
    /// `routes::Admin::panel`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The handler's full path as the compiler resolved it, such as `app::routes::dashboard`,
    /// without generic arguments: a name brought in by `use` gives the path of the function
    /// it names.
    pub fn path(&self) -> String {
        without_generics((self.resolve)())
    }
}

impl fmt::Display for HandlerRef {
    /// The name as written, and the full path when it says more: `index (app::site::index)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if path == self.name {
            f.write_str(self.name)
        } else {
            write!(f, "{} ({path})", self.name)
        }
    }
}

/// The type name of `value`'s type; for a function or a unit struct, its full path.
#[doc(hidden)]
pub fn type_name_of<T>(_value: &T) -> &'static str {
    std::any::type_name::<T>()
}

/// The handlers among `handlers` that no `#[requires]` or `#[public]` registered.
///
/// A handler is covered when a registration has exactly its path (see [`HandlerRef::path`]
/// and [`Registration::path_name`]); anything else, such as a function left unmarked, is
/// uncovered.
pub fn uncovered(handlers: &[HandlerRef]) -> Vec<HandlerRef> {
    let registered: Vec<String> = inventory::iter::<Registration>
        .into_iter()
        .filter_map(Registration::matched_path)
        .collect();
    handlers
        .iter()
        .copied()
        .filter(|handler| {
            let path = (handler.resolve)();
            !registered.iter().any(|pattern| path_matches(pattern, path))
        })
        .collect()
}

/// Fails when a handler in `handlers` is neither guarded by `#[requires]` nor marked `#[public]`.
///
/// # Panics
///
/// Naming every such handler, as written and by its full path, for a test to report.
///
/// # Examples
///
/// See the [module documentation](self).
#[track_caller]
pub fn assert_all_routes_covered(handlers: &[HandlerRef]) {
    let uncovered = uncovered(handlers);
    assert!(
        uncovered.is_empty(),
        "these handlers are neither guarded by #[requires] nor marked #[public]: {} \
         (each is matched by the function its name resolves to, shown in brackets: mark that \
         function, or name the marked one, by its path from the crate root if in doubt)",
        uncovered
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// The handlers to check with [`assert_all_routes_covered`]; each must exist.
///
/// Each argument is the path of a handler function, an associated function (`Admin::panel`),
/// or the service an actix-web route attribute made of a function, written as anywhere else
/// in the module: `dashboard`, `routes::dashboard`, `crate::routes::dashboard`,
/// `super::dashboard`, or a name brought in by `use`. The compiler resolves it, so a name
/// that does not resolve is a compile error and the list cannot go stale, and the audit
/// matches the function the name resolves to, not the name.
///
/// # Examples
///
/// ```
/// use auth_actix::audit::HandlerRef;
///
/// mod routes {
///     #[auth_actix::public]
///     pub async fn homepage() -> &'static str {
///         "hi"
///     }
/// }
///
/// const HANDLERS: [HandlerRef; 1] = auth_actix::handlers![routes::homepage];
/// assert_eq!(HANDLERS[0].name(), "routes::homepage");
/// assert!(HANDLERS[0].path().ends_with("::routes::homepage"));
/// auth_actix::audit::assert_all_routes_covered(&HANDLERS);
/// ```
#[macro_export]
macro_rules! handlers {
    ($($handler:path),* $(,)?) => {
        [$(
            $crate::audit::HandlerRef::new(::core::stringify!($handler), || {
                $crate::audit::type_name_of(&$handler)
            })
        ),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: &str = "actix_web::service::HttpServiceFactory";

    #[test]
    fn a_function_is_named_by_its_path() {
        let marker = "app::routes::dashboard::{{closure}}::__AuthHandler";

        assert_eq!(
            item_path("dashboard", marker).as_deref(),
            Some("app::routes::dashboard")
        );
    }

    #[test]
    fn an_associated_function_keeps_its_type() {
        let marker = "app::Admin<_>::panel::{{closure}}::__AuthHandler";

        assert_eq!(
            item_path("panel", marker).as_deref(),
            Some("app::Admin<_>::panel")
        );
    }

    #[test]
    fn generic_arguments_must_match_unless_the_marker_leaves_them_open() {
        for (pattern, path, same) in [
            ("app::Api<u8>::list", "app::Api<u8>::list", true),
            // Two impls of one generic type are two handlers.
            ("app::Api<u8>::list", "app::Api<u16>::list", false),
            ("app::Api<u8>::list", "app::Api::list", false),
            // A generic impl registers every instantiation.
            ("app::Api<_>::list", "app::Api<u16>::list", true),
            (
                "app::Api<_>::list",
                "app::Api<alloc::vec::Vec<u8>>::list",
                true,
            ),
            (
                "app::Api<alloc::vec::Vec<_>>::g",
                "app::Api<alloc::vec::Vec<u8>>::g",
                true,
            ),
            ("app::Api<alloc::vec::Vec<_>>::g", "app::Api<u8>::g", false),
            ("app::Api<_, u8>::g", "app::Api<fn() -> u8, u8>::g", true),
            ("app::Api<_, u8>::g", "app::Api<fn() -> u8, u16>::g", false),
            // The function's own generic arguments.
            ("app::show", "app::show<u8>", true),
            ("app::show", "app::show<u8>::x", false),
            ("app::show", "app::shows", false),
            ("app::index", "app::other::index", false),
        ] {
            assert_eq!(path_matches(pattern, path), same, "{pattern} ~ {path}");
        }
    }

    #[test]
    fn a_function_under_a_route_attribute_is_named_by_its_service() {
        let marker =
            format!("<app::routes::show as {SERVICE}>::register::show::{{{{closure}}}}{MARKER}");
        let in_a_function =
            format!("<app::main::show as {SERVICE}>::register::show::{{{{closure}}}}{MARKER}");

        assert_eq!(
            item_path("show", &marker).as_deref(),
            Some("app::routes::show")
        );
        assert_eq!(
            item_path("show", &in_a_function).as_deref(),
            Some("app::main::show")
        );
    }

    #[test]
    fn another_qualified_path_is_kept_whole() {
        let trait_method = "<app::Admin as app::Panel>::panel::{{closure}}::__AuthHandler";
        // A function `show` nested in the `register` of a service of another name.
        let other_service = format!("<app::other as {SERVICE}>::register::show{MARKER}");
        let other_method = format!("<app::show as {SERVICE}>::unregister::show{MARKER}");

        assert_eq!(
            item_path("panel", trait_method).as_deref(),
            Some("<app::Admin as app::Panel>::panel")
        );
        assert_eq!(
            item_path("show", &other_service),
            Some(format!("<app::other as {SERVICE}>::register::show"))
        );
        assert_eq!(
            item_path("show", &other_method),
            Some(format!("<app::show as {SERVICE}>::unregister::show"))
        );
    }

    #[test]
    fn a_name_without_the_marker_matches_nothing() {
        assert_eq!(item_path("show", "app::show"), None);
    }

    #[test]
    fn generic_arguments_are_dropped() {
        assert_eq!(without_generics("a::f<fn() -> u8>"), "a::f");
        assert_eq!(
            without_generics("a::Pages<Vec<u8>>::help"),
            "a::Pages::help"
        );
        assert_eq!(without_generics("<a::B as a::C>::d"), "<a::B as a::C>::d");
    }
}
