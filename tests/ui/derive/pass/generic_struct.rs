// Generic structs keep their parameters, defaults and `where` clause on the impl.
use auth_actix::AuthUser;

#[derive(AuthUser)]
struct Tenant<'a, Id, Extra = u32>
where
    Id: AsRef<str>,
{
    #[auth(identity)]
    id: Id,
    #[auth(display_name)]
    name: &'a str,
    extra: Extra,
}

fn main() {
    let tenant = Tenant {
        id: String::from("t-1"),
        name: "Acme",
        extra: 3,
    };
    assert_eq!((tenant.identity(), tenant.display_name()), ("t-1", "Acme"));
    assert_eq!(tenant.extra, 3);
}
