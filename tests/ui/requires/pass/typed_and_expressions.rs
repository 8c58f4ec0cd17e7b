// Typed scopes from another module, strings, and nested expressions in one list.
use actix_web::{get, web, App};
use auth_actix::requires;

mod scopes {
    #[derive(auth_actix::Scope, Clone, Copy)]
    pub enum Api {
        #[scope("notes:read")]
        NotesRead,
        #[scope("admin")]
        Admin,
        #[scope("suspended")]
        Suspended,
    }
}

use scopes::Api;

#[get("/notes")]
#[requires(scopes = [scopes::Api::NotesRead, "authenticated"])]
async fn notes() -> &'static str {
    "notes"
}

#[requires(scopes = [
    "authenticated",
    any(Api::Admin, all("editor", not(Api::Suspended)), all("a", any("b", not(not("c"))))),
], status_code = 404)]
async fn edit(path: web::Path<u32>) -> String {
    path.into_inner().to_string()
}

fn main() {
    let _app = App::new()
        .service(notes)
        .route("/edit/{id}", web::get().to(edit));
}
