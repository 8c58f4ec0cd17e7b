//! Validate phase of `#[derive(AuthUser)]`: works out which field or variant plays which part,
//! or reports spanned errors.

use proc_macro2::Span;
use syn::{Data, DataEnum, DeriveInput, Fields, Ident, Member, Type};

use super::attr::{marks, Marks};
use crate::attr::Errors;

/// What the derive found in the type, ready to expand.
pub(crate) enum Shape {
    /// A struct with its identity and display-name fields.
    Struct(Named),
    /// An enum, with its anonymous variant, if any, named apart from the rest.
    Enum {
        /// The unit variant marked `#[auth(anonymous)]`, when the enum has one.
        anonymous: Option<Ident>,
        /// Every variant, the anonymous one included, in declaration order.
        variants: Vec<Variant>,
    },
}

/// The fields that give a user's identity and display name; they may be the same field.
pub(crate) struct Named {
    /// The field marked `#[auth(identity)]`.
    pub(crate) identity: Field,
    /// The field marked `#[auth(display_name)]`, or the identity field.
    pub(crate) display_name: Field,
}

/// One field of the type, by name or position.
#[derive(Clone)]
pub(crate) struct Field {
    /// `name` or `0`.
    pub(crate) member: Member,
    /// The field's type, whose span rustc's trait errors should land on.
    pub(crate) ty: Box<Type>,
}

/// One enum variant and the part it plays.
pub(crate) struct Variant {
    /// The variant's name.
    pub(crate) ident: Ident,
    /// How the variant answers `AuthUser`'s questions.
    pub(crate) role: Role,
}

/// How an enum variant answers `AuthUser`'s questions.
pub(crate) enum Role {
    /// The unit variant marked `#[auth(anonymous)]`, with the flag's span: not signed in.
    Anonymous(Span),
    /// A variant with marked fields.
    Marked(Named),
    /// A single-field variant whose field's own `AuthUser` impl answers.
    Delegate(Field),
}

/// Checks the derive input, reporting all problems found at once.
pub(crate) fn shape(input: &DeriveInput) -> syn::Result<Shape> {
    let mut errors = Errors::default();
    let place = match input.data {
        Data::Struct(_) => "a struct",
        Data::Enum(_) => "an enum",
        Data::Union(_) => "a union",
    };
    reject_marks(&input.attrs, place, &mut errors);

    let shape = match &input.data {
        Data::Struct(data) => match named(&data.fields) {
            Ok(Some(named)) => Some(Shape::Struct(named)),
            Ok(None) => {
                errors.push(input.ident.span(), missing_identity());
                None
            }
            Err(err) => {
                errors.push_error(err);
                None
            }
        },
        Data::Enum(data) => enumeration(&input.ident, data, &mut errors),
        Data::Union(data) => {
            errors.push(
                data.union_token.span,
                "AuthUser cannot be derived for a union; use a struct or an enum",
            );
            None
        }
    };

    // Every path that leaves `shape` empty has recorded an error, so the fallback is unused.
    errors.finish(())?;
    shape.ok_or_else(|| syn::Error::new(input.ident.span(), "cannot derive AuthUser"))
}

/// The message for a struct with no `#[auth(identity)]` field.
fn missing_identity() -> &'static str {
    "this struct needs a field marked `#[auth(identity)]` that identifies the user"
}

/// Reports every flag written where flags do not belong, such as on the type itself.
fn reject_marks(attrs: &[syn::Attribute], place: &str, errors: &mut Errors) {
    match marks(attrs) {
        Ok(marks) => {
            for (name, span) in marks.written() {
                errors.push(span, misplaced(name, place));
            }
        }
        Err(err) => errors.push_error(err),
    }
}

/// Explains where `name` belongs, for a flag written on `place`.
fn misplaced(name: &str, place: &str) -> String {
    match name {
        "anonymous" => format!(
            "`anonymous` belongs on the unit variant of an enum that stands for a visitor \
             who is not signed in, not on {place}"
        ),
        _ => format!("`{name}` belongs on a field, not on {place}"),
    }
}

/// Finds the identity and display-name fields among `fields`.
///
/// Returns `Ok(None)` when no field is marked `identity`; the caller decides whether that is a
/// mistake.
fn named(fields: &Fields) -> syn::Result<Option<Named>> {
    let mut errors = Errors::default();
    let mut identity: Option<Field> = None;
    let mut display_name: Option<Field> = None;

    for (index, field) in fields.iter().enumerate() {
        let Marks {
            identity: id_mark,
            display_name: name_mark,
            anonymous,
        } = match marks(&field.attrs) {
            Ok(marks) => marks,
            Err(err) => {
                errors.push_error(err);
                continue;
            }
        };
        let this = Field {
            member: field
                .ident
                .clone()
                .map_or_else(|| Member::from(index), Member::Named),
            ty: Box::new(field.ty.clone()),
        };
        if let Some(span) = anonymous {
            errors.push(span, misplaced("anonymous", "a field"));
        }
        claim(&mut identity, id_mark, &this, "identity", &mut errors);
        claim(
            &mut display_name,
            name_mark,
            &this,
            "display_name",
            &mut errors,
        );
    }

    errors.finish(())?;
    Ok(identity.map(|identity| Named {
        display_name: display_name.unwrap_or_else(|| identity.clone()),
        identity,
    }))
}

/// Gives `slot` to `field` if it carries the flag, failing if another field already has it.
fn claim(
    slot: &mut Option<Field>,
    mark: Option<Span>,
    field: &Field,
    name: &str,
    errors: &mut Errors,
) {
    let Some(span) = mark else { return };
    if slot.is_some() {
        errors.push(
            span,
            format!("only one field can be `#[auth({name})]`; another already is"),
        );
    } else {
        *slot = Some(field.clone());
    }
}

/// Works out the role of every variant and checks there is at most one anonymous one.
fn enumeration(name: &Ident, data: &DataEnum, errors: &mut Errors) -> Option<Shape> {
    if data.variants.is_empty() {
        errors.push(
            name.span(),
            "AuthUser needs at least one variant, such as a unit variant marked \
             `#[auth(anonymous)]`",
        );
        return None;
    }

    let mut variants = Vec::new();
    let mut anonymous: Option<Ident> = None;
    for variant in &data.variants {
        let Some(role) = role(variant, errors) else {
            continue;
        };
        if let Role::Anonymous(span) = role {
            if anonymous.is_some() {
                errors.push(
                    span,
                    "only one variant can be `#[auth(anonymous)]`; another already is",
                );
            }
            anonymous.get_or_insert_with(|| variant.ident.clone());
        }
        variants.push(Variant {
            ident: variant.ident.clone(),
            role,
        });
    }

    Some(Shape::Enum {
        anonymous,
        variants,
    })
}

/// Works out how one variant answers `AuthUser`'s questions.
fn role(variant: &syn::Variant, errors: &mut Errors) -> Option<Role> {
    let marks = match marks(&variant.attrs) {
        Ok(marks) => marks,
        Err(err) => {
            errors.push_error(err);
            return None;
        }
    };
    for (name, span) in marks.written().filter(|(name, _)| *name != "anonymous") {
        errors.push(span, misplaced(name, "a variant"));
    }

    if let Some(span) = marks.anonymous {
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(
                span,
                "the `anonymous` variant carries no user, so it cannot have fields",
            );
            return None;
        }
        return Some(Role::Anonymous(span));
    }

    match named(&variant.fields) {
        Err(err) => {
            errors.push_error(err);
            None
        }
        Ok(Some(named)) => Some(Role::Marked(named)),
        Ok(None) => delegate(variant).or_else(|| {
            errors.push(
                variant.ident.span(),
                "this variant needs a field marked `#[auth(identity)]`, or a single field \
                 whose type implements AuthUser, or `#[auth(anonymous)]` if it has no fields",
            );
            None
        }),
    }
}

/// The variant's only field, if it has exactly one and nothing is marked.
fn delegate(variant: &syn::Variant) -> Option<Role> {
    let mut fields = variant.fields.iter();
    let (Some(field), None) = (fields.next(), fields.next()) else {
        return None;
    };
    if !matches!(marks(&field.attrs), Ok(marks) if marks.written().next().is_none()) {
        return None;
    }
    let member = field
        .ident
        .clone()
        .map_or_else(|| Member::from(0), Member::Named);
    Some(Role::Delegate(Field {
        member,
        ty: Box::new(field.ty.clone()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn shape_err(input: DeriveInput) -> String {
        match shape(&input) {
            Ok(_) => panic!("input was accepted, but should not be"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn struct_display_name_defaults_to_identity() {
        let input = parse_quote!(
            struct U {
                #[auth(identity)]
                id: String,
                other: u8,
            }
        );

        let Ok(Shape::Struct(named)) = shape(&input) else {
            panic!("expected a struct shape");
        };

        assert!(named.display_name.member == parse_quote!(id));
    }

    #[test]
    fn tuple_struct_fields_are_positional() {
        let input = parse_quote!(
            struct U(u8, #[auth(identity)] String, #[auth(display_name)] String);
        );

        let Ok(Shape::Struct(named)) = shape(&input) else {
            panic!("expected a struct shape");
        };

        assert!(named.identity.member == Member::from(1));
        assert!(named.display_name.member == Member::from(2));
    }

    #[test]
    fn enum_variants_get_their_roles() {
        let input = parse_quote!(
            enum V {
                #[auth(anonymous)]
                Anon,
                User {
                    #[auth(identity)]
                    id: String,
                },
                Staff(StaffUser),
            }
        );

        let Ok(Shape::Enum { variants, .. }) = shape(&input) else {
            panic!("expected an enum shape");
        };

        assert!(matches!(variants[0].role, Role::Anonymous(_)));
        assert!(matches!(variants[1].role, Role::Marked(_)));
        assert!(matches!(variants[2].role, Role::Delegate(_)));
    }

    #[test]
    fn struct_without_identity_is_rejected() {
        let message = shape_err(parse_quote!(
            struct U {
                id: String,
            }
        ));

        assert!(message.contains("needs a field marked `#[auth(identity)]`"));
    }

    #[test]
    fn second_identity_field_is_rejected() {
        let message = shape_err(parse_quote!(
            struct U {
                #[auth(identity)]
                a: String,
                #[auth(identity)]
                b: String,
            }
        ));

        assert!(message.starts_with("only one field can be `#[auth(identity)]`"));
    }

    #[test]
    fn union_is_rejected() {
        let message = shape_err(parse_quote!(union U { a: u8 }));

        assert!(message.contains("union"));
    }

    #[test]
    fn anonymous_outside_enum_variants_is_rejected() {
        let on_struct = shape_err(parse_quote!(
            #[auth(anonymous)]
            struct U(#[auth(identity)] String);
        ));
        let on_field = shape_err(parse_quote!(
            struct U(#[auth(identity, anonymous)] String);
        ));

        assert!(on_struct.ends_with("not on a struct"), "{on_struct}");
        assert!(on_field.ends_with("not on a field"), "{on_field}");
    }

    #[test]
    fn anonymous_variant_with_fields_is_rejected() {
        let message = shape_err(parse_quote!(
            enum V {
                #[auth(anonymous)]
                Anon(u8),
            }
        ));

        assert!(message.contains("cannot have fields"));
    }

    #[test]
    fn enum_has_at_most_one_anonymous_variant() {
        let two = shape_err(parse_quote!(
            enum V {
                #[auth(anonymous)]
                A,
                #[auth(anonymous)]
                B,
            }
        ));
        let empty = shape_err(parse_quote!(
            enum V {}
        ));

        assert!(two.starts_with("only one variant"), "{two}");
        assert!(empty.contains("at least one variant"), "{empty}");
    }

    #[test]
    fn variant_that_cannot_delegate_needs_identity() {
        let input = parse_quote!(
            enum V {
                #[auth(anonymous)]
                A,
                Pair(String, String),
            }
        );

        assert!(shape_err(input).contains("this variant needs a field marked"));
    }
}
