// `#[public]` above and below a route attribute, on an associated function, and the audit.
use actix_web::{get, web, App, HttpResponse};
use auth_actix::{audit, handlers, public};

#[public]
#[get("/")]
async fn homepage() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/about")]
#[public]
async fn about() -> &'static str {
    "about"
}

struct Pages;

impl Pages {
    #[public]
    async fn help() -> &'static str {
        #![allow(clippy::all)]
        "help"
    }
}

fn main() {
    let _app = App::new()
        .service(homepage)
        .service(about)
        .route("/help", web::get().to(Pages::help));
    audit::assert_all_routes_covered(&handlers![homepage, about, Pages::help]);
}
