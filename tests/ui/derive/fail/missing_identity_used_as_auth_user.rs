use auth_actix::AuthUser;

// The derive fails, but its stub impl spares `greet` an "AuthUser is not implemented" error.
#[derive(AuthUser)]
struct User {
    id: String,
}

fn greet(user: &impl AuthUser) -> usize {
    user.display_name().len()
}

fn main() {
    let user = User { id: "7".into() };
    let _ = (greet(&user), user.id);
}
