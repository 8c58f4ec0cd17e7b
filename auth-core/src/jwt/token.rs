//! Finding the bearer token of a request and checking its shape before any key is touched.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeSliceError, Engine as _};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::{AuthError, RequestView};

/// The longest token accepted unless configured otherwise, in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;

/// Decoded token headers up to this length are kept on the stack.
const HEADER_BUFFER: usize = 512;

/// The token of a request: from `Authorization: Bearer`, or for a WebSocket handshake from the
/// query parameter `query_param` when one is configured.
///
/// No token is "not mine"; a token sent both ways, twice in the query, or empty is malformed.
pub(crate) fn locate<'a>(
    request: &RequestView<'a>,
    query_param: Option<&str>,
) -> Result<Option<&'a [u8]>, AuthError> {
    let from_header = request.authorization("Bearer")?;
    let from_query = match query_param {
        Some(name) if request.is_websocket_upgrade() => query_token(request, name)?,
        _ => None,
    };

    match (from_header, from_query) {
        (Some(_), Some(_)) => Err(AuthError::malformed(
            "the token was sent both in the Authorization header and in the query",
        )),
        (token @ Some(_), None) | (None, token @ Some(_)) => Ok(token),
        (None, None) => Ok(None),
    }
}

fn query_token<'a>(request: &RequestView<'a>, name: &str) -> Result<Option<&'a [u8]>, AuthError> {
    match request.single_query_param(name)? {
        Some("") => Err(AuthError::malformed(format!(
            "the {name} query parameter is empty"
        ))),
        Some(token) => Ok(Some(token.as_bytes())),
        None => Ok(None),
    }
}

/// A token in JWS compact form whose parts decode and whose header is a JSON object.
pub(crate) struct Token<'a> {
    raw: &'a str,
    algorithm: String,
    kid: Option<String>,
}

impl std::fmt::Debug for Token<'_> {
    // The token itself is a credential: only its header fields are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl<'a> Token<'a> {
    /// Checks the shape: three base64url parts, a JSON header naming an algorithm.
    ///
    /// Every failure is malformed (400): nothing has been verified yet.
    pub(crate) fn parse(raw: &'a [u8], max_len: usize) -> Result<Self, AuthError> {
        if raw.len() > max_len {
            return Err(AuthError::malformed(format!(
                "the token is longer than {max_len} bytes"
            )));
        }
        let malformed = |what: &'static str| AuthError::malformed(what);
        if !raw.iter().all(|&byte| IN_COMPACT_FORM[usize::from(byte)]) {
            return Err(malformed("the token holds characters a JWT cannot hold"));
        }
        // Only ASCII is left, so this cannot fail.
        let raw = std::str::from_utf8(raw).map_err(|_| malformed("the token is not ASCII"))?;

        let mut parts = raw.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("a JWT has three parts separated by dots"));
        };
        if header.is_empty() || payload.is_empty() {
            return Err(malformed("the token has an empty part"));
        }
        // A usual header decodes into a buffer on the stack, a longer one into the heap.
        let not_base64url = || malformed("the token header is not base64url");
        let mut buffer = [0; HEADER_BUFFER];
        let on_heap;
        let header = match URL_SAFE_NO_PAD.decode_slice(header, &mut buffer) {
            Ok(len) => &buffer[..len],
            Err(DecodeSliceError::OutputSliceTooSmall) => {
                on_heap = decode(header).map_err(|_| not_base64url())?;
                &on_heap[..]
            }
            Err(DecodeSliceError::DecodeError(_)) => return Err(not_base64url()),
        };
        // The payload and signature are decoded once, by the signature check; here their form
        // is checked without decoding them.
        if !is_canonical_base64url(payload) {
            return Err(malformed("the token payload is not base64url"));
        }
        if !is_canonical_base64url(signature) {
            return Err(malformed("the token signature is not base64url"));
        }

        let header: HeaderFields = serde_json::from_slice(header)
            .map_err(|_| malformed("the token header is not a JSON object"))?;
        let Some(Value::String(algorithm)) = header.alg else {
            return Err(malformed("the token header names no algorithm"));
        };
        let kid = match header.kid {
            None => None,
            Some(Value::String(kid)) => Some(kid),
            Some(_) => return Err(malformed("the token's key id is not a string")),
        };

        Ok(Self {
            raw,
            algorithm,
            kid,
        })
    }

    pub(crate) fn raw(&self) -> &'a str {
        self.raw
    }

    /// The algorithm the header names, as written (`none` included).
    pub(crate) fn algorithm(&self) -> &str {
        &self.algorithm
    }

    pub(crate) fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}

/// The members of a token header read before a key is chosen, `alg` and `kid`, as JSON values.
///
/// They are read straight from the JSON: the other members are checked for syntax and skipped
/// without building a map of the whole header, and a member named twice counts with its last
/// value, as a map would keep it. Anything but a JSON object is an error.
#[derive(Default)]
struct HeaderFields {
    alg: Option<Value>,
    kid: Option<Value>,
}

/// A member name of a token header, as far as [`HeaderFields`] cares.
enum HeaderMember {
    Alg,
    Kid,
    Other,
}

impl<'de> Deserialize<'de> for HeaderMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;

        impl Visitor<'_> for NameVisitor {
            type Value = HeaderMember;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            // Called with the name unescaped, whether or not it was written with escapes.
            fn visit_str<E: de::Error>(self, name: &str) -> Result<HeaderMember, E> {
                Ok(match name {
                    "alg" => HeaderMember::Alg,
                    "kid" => HeaderMember::Kid,
                    _ => HeaderMember::Other,
                })
            }
        }

        deserializer.deserialize_str(NameVisitor)
    }
}

impl<'de> Deserialize<'de> for HeaderFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = HeaderFields;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HeaderFields, A::Error> {
                let mut fields = HeaderFields::default();
                while let Some(member) = map.next_key::<HeaderMember>()? {
                    match member {
                        HeaderMember::Alg => fields.alg = Some(map.next_value()?),
                        HeaderMember::Kid => fields.kid = Some(map.next_value()?),
                        HeaderMember::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(fields)
            }
        }

        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// Which bytes a token in compact form holds: the base64url alphabet and the dots between
/// the parts. A table: the check runs on every byte of every token.
const IN_COMPACT_FORM: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
        byte += 1;
    }
    table
};

/// Whether `part`, made of base64url characters only, decodes without padding: its length
/// leaves no lone character, and the bits its last character holds past the data are zero.
///
/// This is exactly what decoding with `URL_SAFE_NO_PAD` accepts, without the decoding.
fn is_canonical_base64url(part: &str) -> bool {
    let Some(&last) = part.as_bytes().last() else {
        return true;
    };
    let value = match last {
        b'A'..=b'Z' => last - b'A',
        b'a'..=b'z' => last - b'a' + 26,
        b'0'..=b'9' => last - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return false,
    };
    match part.len() % 4 {
        0 => true,
        2 => value & 0b1111 == 0,
        3 => value & 0b11 == 0,
        _ => false,
    }
}

fn decode(part: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(part)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, HeaderList};

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn token(header: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(r#"{"sub":"ada"}"#), b64("sig"))
    }

    #[test]
    fn well_formed_tokens_give_algorithm_and_kid() {
        let raw = token(r#"{"alg":"RS256","kid":"k1"}"#);

        let parsed = Token::parse(raw.as_bytes(), 1000).unwrap();

        assert_eq!(parsed.algorithm(), "RS256");
        assert_eq!(parsed.kid(), Some("k1"));
    }

    #[test]
    fn header_members_are_read_as_a_map_would_keep_them() {
        let parsed = |header: &str| {
            Token::parse(token(header).as_bytes(), 1000)
                .map(|token| (token.algorithm().to_owned(), token.kid().map(str::to_owned)))
        };
        let found =
            |algorithm: &str, kid: Option<&str>| (algorithm.to_owned(), kid.map(str::to_owned));

        // Escaped names are the same names; other members, nested or not, are skipped.
        assert_eq!(
            parsed(r#"{"al\u0067":"ES256","typ":"JWT","x5c":[{"a":[1,2]}],"kid":"k"}"#).unwrap(),
            found("ES256", Some("k"))
        );
        // A member named twice counts with its last value.
        assert_eq!(
            parsed(r#"{"alg":"none","alg":"HS256"}"#).unwrap(),
            found("HS256", None)
        );
        for header in [
            r#"{"alg":"HS256","alg":1}"#,
            r#"{"alg":"HS256","kid":null}"#,
            r#"{"alg":"HS256","kid":"a","kid":["b"]}"#,
            r#"{"alg":null}"#,
            r#""HS256""#,
            r#"{"alg":"HS256"} x"#,
            r#"{"alg":"HS256","typ":}"#,
        ] {
            let err = parsed(header).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{header}");
        }
    }

    #[test]
    fn an_unknown_algorithm_still_parses() {
        // `none` and friends are refused by the allow-list, as invalid tokens (401).
        let raw = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64("{}"));

        assert_eq!(
            Token::parse(raw.as_bytes(), 1000).unwrap().algorithm(),
            "none"
        );
    }

    #[test]
    fn malformed_tokens_are_400() {
        let cases = [
            "abc".to_owned(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            format!(".{}.", b64("{}")),
            format!("{}..", b64(r#"{"alg":"HS256"}"#)),
            format!("{}.{}.x", "*notbase64*", b64("{}")),
            format!("{}.{}.{}", b64(r#"{"alg":"HS256"}"#), "a", b64("s")),
            format!("{}.{}.{}", b64("not json"), b64("{}"), b64("s")),
            format!("{}.{}.{}", b64("[1]"), b64("{}"), b64("s")),
            format!("{}.{}.{}", b64(r#"{"typ":"JWT"}"#), b64("{}"), b64("s")),
            format!("{}.{}.{}", b64(r#"{"alg":5}"#), b64("{}"), b64("s")),
            format!(
                "{}.{}.{}",
                b64(r#"{"alg":"HS256","kid":1}"#),
                b64("{}"),
                b64("s")
            ),
            format!("{}=.{}.{}", b64(r#"{"alg":"HS256"}"#), b64("{}"), b64("s")),
            "é.é.é".to_owned(),
            "a b.c.d".to_owned(),
        ];
        for raw in cases {
            let err = Token::parse(raw.as_bytes(), 1000).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Malformed, "{raw}");
        }
    }

    #[test]
    fn long_headers_parse_as_short_ones_do() {
        // Longer than the stack buffer: decoded on the heap, with the same result.
        let padding = "p".repeat(HEADER_BUFFER);
        let long = token(&format!(r#"{{"alg":"HS256","kid":"k","x":"{padding}"}}"#));

        let parsed = Token::parse(long.as_bytes(), 8192).unwrap();

        assert_eq!((parsed.algorithm(), parsed.kid()), ("HS256", Some("k")));
        // A lone last character: not base64url, whatever the buffer.
        let bad = format!(
            "{}.{}.{}",
            "A".repeat(2 * HEADER_BUFFER + 1),
            b64("{}"),
            b64("s")
        );
        assert_eq!(
            Token::parse(bad.as_bytes(), 8192).unwrap_err().kind(),
            ErrorKind::Malformed
        );
    }

    #[test]
    fn overlong_tokens_are_400() {
        let raw = token(r#"{"alg":"HS256"}"#);

        let err = Token::parse(raw.as_bytes(), raw.len() - 1).unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Malformed);
    }

    fn located(
        headers: &[(&str, &str)],
        query: &str,
        param: Option<&str>,
    ) -> Result<Option<Vec<u8>>, AuthError> {
        let headers = HeaderList::new(headers.iter().copied());
        let request = RequestView::new("GET", "/ws", query, &headers);
        locate(&request, param).map(|found| found.map(<[u8]>::to_vec))
    }

    #[test]
    fn query_token_is_read_only_for_websocket_handshakes() {
        let ws = [("upgrade", "WebSocket")];

        assert_eq!(
            located(&ws, "access_token=t", Some("access_token")).unwrap(),
            Some(b"t".to_vec())
        );
        assert_eq!(
            located(&[], "access_token=t", Some("access_token")).unwrap(),
            None
        );
        assert_eq!(located(&ws, "access_token=t", None).unwrap(), None);
    }

    #[test]
    fn token_in_header_and_query_is_malformed() {
        let headers = [("upgrade", "websocket"), ("authorization", "Bearer a")];

        let err = located(&headers, "access_token=b", Some("access_token")).unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Malformed);
    }

    #[test]
    fn repeated_or_empty_query_tokens_are_malformed() {
        let ws = [("upgrade", "websocket")];

        for query in [
            "access_token=a&access_token=b",
            "access_token=",
            "access_token",
        ] {
            let err = located(&ws, query, Some("access_token")).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Malformed, "{query}");
        }
    }

    #[test]
    fn compact_form_table_holds_the_base64url_alphabet_and_the_dot() {
        let allowed: Vec<u8> = (0..=255u8)
            .filter(|&byte| IN_COMPACT_FORM[usize::from(byte)])
            .collect();

        let mut expected =
            b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".to_vec();
        expected.sort_unstable();
        assert_eq!(allowed, expected);
    }

    #[test]
    fn base64url_form_check_agrees_with_decoding() {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for len in 0..9 {
            for last in alphabet.chars() {
                let part = format!("{}{last}", "Q".repeat(len));
                assert_eq!(
                    is_canonical_base64url(&part),
                    decode(&part).is_ok(),
                    "{part}"
                );
            }
        }
        assert!(is_canonical_base64url(""));
    }
}
