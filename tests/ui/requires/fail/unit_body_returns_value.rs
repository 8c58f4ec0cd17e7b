use auth_actix::requires;

#[requires]
async fn handler() {
    let answer = 42;
    answer
}

fn main() {}
