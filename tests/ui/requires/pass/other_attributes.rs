// Other attributes on the handler, above and below ours, are kept.
use actix_web::{web, App, HttpResponse};
use auth_actix::requires;

/// Lists the reports.
#[tracing::instrument(skip_all)]
#[requires(scopes = ["reports"])]
#[allow(clippy::unused_async, clippy::mixed_attributes_style)]
#[doc = "More docs."]
async fn reports(page: web::Query<Vec<(String, u32)>>) -> HttpResponse {
    #![allow(unused_variables)]
    let unused = page.len();
    HttpResponse::Ok().finish()
}

#[requires]
#[must_use]
#[deprecated = "use reports"]
#[tracing::instrument(level = "debug", skip_all, fields(kind = "audit"))]
async fn old_reports() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    #[allow(deprecated)]
    let _app = App::new()
        .route("/reports", web::get().to(reports))
        .route("/old", web::get().to(old_reports));
}
