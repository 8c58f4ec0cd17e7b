// A one-line body must not trip `unused_braces` in the expansion.
#![deny(warnings)]

use auth_actix::requires;

#[requires]
async fn handler() -> String {
    String::from("x")
}

fn main() {
    let _ = handler;
}
