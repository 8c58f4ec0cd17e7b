//! Evaluating a scope expression allocates nothing, whether it passes or fails.

use allocation_counter::measure;
use auth_core::{Credentials, ScopeExpr};

use ScopeExpr::{All, Any, Not, Scope};

// any("admin", all("editor", not("suspended"), any("notes:read", "notes:write")))
static EXPR: ScopeExpr = Any(&[
    Scope("admin"),
    All(&[
        Scope("editor"),
        Not(&Scope("suspended")),
        Any(&[Scope("notes:read"), Scope("notes:write")]),
    ]),
]);

fn allocations(credentials: &Credentials, expected: bool) -> u64 {
    measure(|| {
        let satisfied = EXPR.is_satisfied_by(std::hint::black_box(credentials));
        assert_eq!(satisfied, expected);
    })
    .count_total
}

#[test]
fn evaluating_a_passing_expression_does_not_allocate() {
    let credentials = Credentials::from_iter(["editor", "notes:write"]);

    assert_eq!(allocations(&credentials, true), 0);
}

#[test]
fn evaluating_a_failing_expression_does_not_allocate() {
    let credentials = Credentials::from_iter(["editor", "notes:write", "suspended"]);

    assert_eq!(allocations(&credentials, false), 0);
}

#[test]
fn counter_sees_the_allocations_of_a_satisfying_set() {
    // Guards the two tests above against a counter that never counts.
    let credentials = Credentials::none();

    let count = measure(|| {
        std::hint::black_box(EXPR.satisfying_set(&credentials));
    })
    .count_total;

    assert!(count > 0);
}
