// A bare `#[requires]` only demands a signed-in user; zero-parameter handlers work.
use actix_web::{web, App};
use auth_actix::requires;

#[requires]
async fn home() -> &'static str {
    "welcome back"
}

#[requires()]
async fn nothing() {}

fn main() {
    let _app = App::new()
        .route("/", web::get().to(home))
        .route("/nothing", web::post().to(nothing));
}
