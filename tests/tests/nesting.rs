//! Two authentication middlewares on one route: the inner one's result replaces the outer's.

use actix_web::http::StatusCode;
use actix_web::{web, App, HttpResponse};
use auth_actix::{
    requires, AuthError, AuthUser, Authenticated, AuthenticationBackend, AuthenticationMiddleware,
    Chain, Credentials, MaybeUser, RequestView, SimpleUser, User,
};
use auth_tests::{send, serve};

/// The user of the inner middleware: another type than the outer one's.
#[derive(Clone, Debug)]
struct Robot;

impl AuthUser for Robot {
    fn display_name(&self) -> &str {
        "robot"
    }

    fn identity(&self) -> &str {
        "robot"
    }
}

/// Authenticates `x-person: <name>` as a person with the scope `read`.
struct PersonHeader;

impl AuthenticationBackend for PersonHeader {
    type User = SimpleUser;

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let found = request.header("x-person")?.map(|name| {
            let name = String::from_utf8_lossy(name).into_owned();
            Authenticated::new(SimpleUser::new(name), Credentials::from_iter(["read"]))
        });
        Ok(found)
    }
}

/// Authenticates `x-robot: 1` as the robot with the scopes `read` and `admin`.
struct RobotHeader;

impl AuthenticationBackend for RobotHeader {
    type User = Robot;

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<Robot>>, AuthError> {
        let found = request
            .header("x-robot")?
            .map(|_| Authenticated::new(Robot, Credentials::from_iter(["read", "admin"])));
        Ok(found)
    }
}

#[requires(scopes = ["admin"])]
async fn admin(User(person): User<SimpleUser>) -> HttpResponse {
    HttpResponse::Ok().body(format!("{} acts as admin", person.username()))
}

async fn whoami(MaybeUser(person): MaybeUser<SimpleUser>) -> HttpResponse {
    let name = person.map_or_else(|| "nobody".to_owned(), |p| p.username().to_owned());
    HttpResponse::Ok().body(name)
}

fn nested() -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .wrap(AuthenticationMiddleware::new(Chain::new(RobotHeader)))
        .wrap(AuthenticationMiddleware::new(Chain::new(PersonHeader)))
        .route("/admin", web::get().to(admin))
        .route("/whoami", web::get().to(whoami))
}

#[actix_web::test]
async fn nested_middleware_never_pairs_one_user_with_anothers_scopes() {
    // Pins a fix: the person from the outer middleware must not act with the robot's scopes.
    let server = serve(nested);

    let reply = send(
        server
            .get("/admin")
            .insert_header(("x-person", "mallory"))
            .insert_header(("x-robot", "1")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!reply.body.contains("acts as admin"));
}

#[actix_web::test]
async fn nested_middleware_result_replaces_the_outer_user() {
    let server = serve(nested);

    let outer_only = send(server.get("/whoami").insert_header(("x-person", "ada"))).await;
    let both = send(
        server
            .get("/whoami")
            .insert_header(("x-person", "ada"))
            .insert_header(("x-robot", "1")),
    )
    .await;

    assert_eq!(outer_only.body, "nobody");
    assert_eq!(both.status, StatusCode::INTERNAL_SERVER_ERROR);
}

/// Lets the robot through, and anyone else only when the credentials hold `admin`.
async fn robot_or_admin(
    _req: &actix_web::HttpRequest,
    _person: &SimpleUser,
    credentials: &Credentials,
) -> Result<bool, actix_web::Error> {
    Ok(credentials.contains("admin"))
}

#[requires(check = robot_or_admin)]
async fn checked() -> HttpResponse {
    HttpResponse::Ok().body("checked handler ran")
}

#[actix_web::test]
async fn nested_middleware_object_check_never_sees_the_outer_user_with_inner_scopes() {
    // Pins a fix: an object check must get the user of the middleware whose scopes it gets.
    let server = serve(|| {
        App::new()
            .wrap(AuthenticationMiddleware::new(Chain::new(RobotHeader)))
            .wrap(AuthenticationMiddleware::new(Chain::new(PersonHeader)))
            .route("/checked", web::get().to(checked))
    });

    let reply = send(
        server
            .get("/checked")
            .insert_header(("x-person", "mallory"))
            .insert_header(("x-robot", "1")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!reply.body.contains("checked handler ran"));
}
