//! The route audit matches each handler named in `handlers!` by the function the name resolves
//! to: an unmarked function never passes for a marked one that shares its name.

use auth_actix::audit::{self, HandlerRef};
use auth_actix::{handlers, public, requires};

mod admin {
    #[auth_actix::requires]
    pub(crate) async fn index() -> &'static str {
        "admin"
    }
}

mod site {
    /// Unmarked, with the name of the guarded `admin::index`.
    pub(crate) async fn index() -> &'static str {
        "site"
    }

    pub(crate) mod pages {
        use auth_actix::audit::HandlerRef;

        #[auth_actix::public]
        pub(crate) async fn about() -> &'static str {
            "about"
        }

        /// Names written relative to this module.
        pub(crate) fn handlers() -> [HandlerRef; 3] {
            auth_actix::handlers![super::index, self::about, super::super::admin::index]
        }
    }
}

pub(crate) struct Admin;

impl Admin {
    /// Unmarked, with the name of the guarded `admin::index`.
    pub(crate) async fn index() -> &'static str {
        "unmarked"
    }

    #[requires(scopes = ["admin"])]
    pub(crate) async fn panel() -> &'static str {
        "panel"
    }
}

/// Unmarked, with the name of the guarded `Admin::panel`.
pub(crate) async fn panel() -> &'static str {
    "unmarked"
}

pub(crate) trait Dashboard {
    async fn dashboard() -> &'static str;
}

impl Dashboard for Admin {
    #[public]
    async fn dashboard() -> &'static str {
        "dashboard"
    }
}

#[actix_web::get("/public-below-get")]
#[public]
async fn public_below_get() -> &'static str {
    "public"
}

#[public]
#[actix_web::get("/public-above-get")]
async fn public_above_get() -> &'static str {
    "public"
}

#[actix_web::get("/guarded-below-get")]
#[requires]
async fn guarded_below_get() -> &'static str {
    "guarded"
}

#[requires]
#[actix_web::get("/guarded-above-get")]
async fn guarded_above_get() -> &'static str {
    "guarded"
}

/// Unmarked, under a route attribute.
#[actix_web::get("/unmarked")]
async fn unmarked_service() -> &'static str {
    "unmarked"
}

fn names(handlers: &[HandlerRef]) -> Vec<&'static str> {
    audit::uncovered(handlers)
        .iter()
        .map(HandlerRef::name)
        .collect()
}

#[test]
fn an_imported_unmarked_function_is_not_taken_for_a_marked_one() {
    use site::index;

    assert_eq!(names(&handlers![index]), ["index"]);
    assert_eq!(names(&handlers![site::index]), ["site::index"]);
    assert!(names(&handlers![admin::index]).is_empty());
}

#[test]
#[should_panic(expected = "nor marked #[public]: index (route_audit::site::index)")]
fn the_assertion_fails_for_an_imported_unmarked_function() {
    use site::index;

    audit::assert_all_routes_covered(&handlers![index]);
}

#[test]
fn a_function_is_not_taken_for_an_associated_function_of_its_name() {
    assert_eq!(names(&handlers![Admin::index]), ["Admin::index"]);
    assert_eq!(names(&handlers![panel]), ["panel"]);
    assert!(names(&handlers![Admin::panel]).is_empty());
}

#[test]
fn paths_of_every_form_resolve() {
    use admin::index as admin_index;

    let covered = handlers![
        admin::index,
        self::admin::index,
        crate::admin::index,
        admin_index,
        site::pages::about,
        Admin::panel,
        self::Admin::panel,
        Admin::dashboard,
        public_below_get,
        public_above_get,
        guarded_below_get,
        crate::guarded_above_get,
    ];

    assert!(names(&covered).is_empty());
    assert_eq!(names(&site::pages::handlers()), ["super::index"]);
}

#[test]
fn an_unmarked_service_is_uncovered() {
    assert_eq!(names(&handlers![unmarked_service]), ["unmarked_service"]);
}

#[test]
fn a_handler_defined_in_a_function_is_matched_there() {
    #[public]
    async fn local() -> &'static str {
        "local"
    }

    #[actix_web::get("/local")]
    #[requires]
    async fn local_service() -> &'static str {
        "local"
    }

    async fn unmarked_local() -> &'static str {
        "local"
    }

    assert_eq!(
        names(&handlers![local, local_service, unmarked_local]),
        ["unmarked_local"]
    );
}

#[test]
fn registrations_name_their_full_path() {
    let mut paths: Vec<String> = audit::routes()
        .into_iter()
        .filter(|route| {
            route.module() == module_path!() || route.module().starts_with("route_audit::")
        })
        .map(audit::Registration::path_name)
        .collect();
    paths.sort();

    assert_eq!(
        paths,
        [
            "<route_audit::Admin as route_audit::Dashboard>::dashboard",
            "route_audit::Admin::panel",
            "route_audit::Api<alloc::vec::Vec<_>>::items",
            "route_audit::Api<u8>::list",
            "route_audit::a_handler_defined_in_a_function_is_matched_there::local",
            "route_audit::a_handler_defined_in_a_function_is_matched_there::local_service",
            "route_audit::admin::index",
            "route_audit::guarded_above_get",
            "route_audit::guarded_below_get",
            "route_audit::public_above_get",
            "route_audit::public_below_get",
            "route_audit::site::pages::about",
        ]
    );
}

#[test]
fn handler_refs_keep_the_name_as_written_and_the_resolved_path() {
    use site::index;

    let [imported] = handlers![index];

    assert_eq!(imported.name(), "index");
    assert_eq!(imported.path(), "route_audit::site::index");
    assert_eq!(imported.to_string(), "index (route_audit::site::index)");
}

/// A generic type with a guarded handler in one impl and an unmarked one of the same name in
/// another, and a generic impl marking every instantiation.
pub(crate) struct Api<T>(T);

impl Api<u8> {
    #[requires(scopes = ["admin"])]
    pub(crate) async fn list() -> &'static str {
        "guarded"
    }
}

impl Api<u16> {
    /// Unmarked, with the name of the guarded `Api::<u8>::list`.
    pub(crate) async fn list() -> &'static str {
        "unmarked"
    }
}

impl<T> Api<Vec<T>> {
    #[public]
    pub(crate) async fn items() -> &'static str {
        "items"
    }
}

#[test]
fn route_audit_tells_impls_of_one_generic_type_apart() {
    let uncovered = audit::uncovered(&handlers![
        Api::<u8>::list,
        Api::<u16>::list,
        Api::<Vec<u8>>::items,
        Api::<Vec<String>>::items,
    ]);
    let names: Vec<&str> = uncovered.iter().map(HandlerRef::name).collect();

    assert_eq!(names, ["Api::<u16>::list"]);
}
