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
//! use auth_actix::{audit, handlers, public, requires};
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
//! const HANDLERS: &[&str] = &handlers![homepage, admin];
//!
//! // In a test of the application:
//! audit::assert_all_routes_covered(HANDLERS);
//!
//! let admin = audit::routes().into_iter().find(|route| route.handler() == "admin").unwrap();
//! assert_eq!(admin.access().to_string(), r#"scopes = all("admin")"#);
//! ```

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
    methods: &'static [&'static str],
    path: Option<&'static str>,
    access: Access,
    check: Option<&'static str>,
}

impl Registration {
    /// What the macros register; not a public API.
    #[doc(hidden)]
    pub const fn new(
        handler: &'static str,
        module: &'static str,
        methods: &'static [&'static str],
        path: Option<&'static str>,
        access: Access,
        check: Option<&'static str>,
    ) -> Self {
        Self {
            handler,
            module,
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

    /// The handler's full path: `module::handler`.
    pub fn path_name(&self) -> String {
        format!("{}::{}", self.module, self.handler)
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

    /// Whether `name` names this handler: its bare name, or a path ending in it, such as
    /// `routes::dashboard`, `examples::demo::routes::dashboard` or `routes::Admin::panel`.
    ///
    /// A type in the path (a segment starting with an uppercase letter) is skipped, since
    /// `module_path!()` does not name the type of an associated function.
    fn is_named(&self, name: &str) -> bool {
        let name: String = name.split_whitespace().collect();
        let mut segments: Vec<&str> = name.split("::").collect();
        if segments.pop() != Some(self.handler) {
            return false;
        }
        while segments
            .last()
            .is_some_and(|segment| segment.starts_with(char::is_uppercase))
        {
            segments.pop();
        }
        let module: Vec<&str> = self.module.split("::").collect();
        let prefix: Vec<&str> = segments
            .into_iter()
            .skip_while(|segment| matches!(*segment, "crate" | "self" | "super"))
            .collect();
        module.ends_with(&prefix)
    }
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

/// The names among `handlers` that no `#[requires]` or `#[public]` registered.
///
/// A name is a handler's bare name or a path ending in it (`routes::dashboard`).
pub fn uncovered<'a>(handlers: &[&'a str]) -> Vec<&'a str> {
    let routes = routes();
    handlers
        .iter()
        .copied()
        .filter(|name| !routes.iter().any(|route| route.is_named(name)))
        .collect()
}

/// Fails when a handler in `handlers` is neither guarded by `#[requires]` nor marked `#[public]`.
///
/// # Panics
///
/// Naming every such handler, for a test to report.
///
/// # Examples
///
/// See the [module documentation](self).
#[track_caller]
pub fn assert_all_routes_covered(handlers: &[&str]) {
    let uncovered = uncovered(handlers);
    assert!(
        uncovered.is_empty(),
        "these handlers are neither guarded by #[requires] nor marked #[public]: {}",
        uncovered.join(", ")
    );
}

/// The names of these handlers, for [`assert_all_routes_covered`]; each must exist.
///
/// Each argument is the path of a handler function (or of the service a route attribute made
/// of it); a name that does not resolve is a compile error, so the list cannot go stale.
///
/// # Examples
///
/// ```
/// mod routes {
///     #[auth_actix::public]
///     pub async fn homepage() -> &'static str {
///         "hi"
///     }
/// }
///
/// const HANDLERS: [&str; 1] = auth_actix::handlers![routes::homepage];
/// assert_eq!(HANDLERS, ["routes::homepage"]);
/// ```
#[macro_export]
macro_rules! handlers {
    ($($handler:path),* $(,)?) => {
        [$({
            let _ = $handler;
            ::core::stringify!($handler)
        }),*]
    };
}
