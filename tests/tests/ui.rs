//! Compile-time behaviour of `#[requires]` and `#[derive(AuthUser)]`: what they accept, and the
//! one error each mistake produces.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/fail/*.rs");
    t.pass("ui/*/pass/*.rs");
}
