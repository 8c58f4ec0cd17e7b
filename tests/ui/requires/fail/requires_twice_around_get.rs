// The second `#[requires]` is found past a route attribute, by its path's last segment.
use actix_web::get;

#[auth_actix::requires(scopes = ["admin"])]
#[get("/admin")]
#[auth_actix::requires]
async fn admin() -> &'static str {
    "admin"
}

fn main() {}
