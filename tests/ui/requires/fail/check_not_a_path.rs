use auth_actix::requires;

#[requires(check = "owns_note")]
async fn note() -> &'static str {
    "note"
}

fn main() {}
