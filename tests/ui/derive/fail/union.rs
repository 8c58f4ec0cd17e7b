use auth_actix::AuthUser;

#[derive(AuthUser)]
union User {
    id: u64,
    key: u32,
}

fn main() {}
