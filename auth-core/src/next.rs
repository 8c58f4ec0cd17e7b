//! Validation of `next` values, the place to return to after logging in.

/// The longest `next` value accepted, in bytes.
pub const MAX_NEXT_LEN: usize = 2048;

/// Whether `value` is a local path that is safe to redirect to after a login.
///
/// Only a path on this origin passes: it starts with a single `/`, not `//` or `/\` (which
/// browsers read as another host), holds no backslash, no control character (browsers drop
/// tabs and newlines, so `/\t/evil.example` would become `//evil.example`), no percent-encoded
/// control character or leading slash, and is at most [`MAX_NEXT_LEN`] bytes long. Give it
/// the decoded query value.
///
/// # Examples
///
/// ```
/// use auth_core::is_safe_next;
///
/// assert!(is_safe_next("/dashboard?tab=1"));
/// assert!(!is_safe_next("//evil.example"));
/// assert!(!is_safe_next("/\\evil.example"));
/// assert!(!is_safe_next("https://evil.example"));
/// assert!(!is_safe_next("javascript:alert(1)"));
/// ```
pub fn is_safe_next(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() > MAX_NEXT_LEN || bytes.first() != Some(&b'/') {
        return false;
    }
    if matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    if value.chars().any(|ch| ch.is_control() || ch == '\\') {
        return false;
    }
    !has_encoded_danger(bytes)
}

/// Returns `value` when [`is_safe_next`] accepts it, for use with `Option` combinators.
///
/// # Examples
///
/// ```
/// use auth_core::safe_next;
///
/// let target = safe_next("//evil.example").unwrap_or("/");
/// assert_eq!(target, "/");
/// ```
pub fn safe_next(value: &str) -> Option<&str> {
    is_safe_next(value).then_some(value)
}

/// Percent-encoded forms that a second decoding step would turn into an attack.
fn has_encoded_danger(bytes: &[u8]) -> bool {
    bytes.windows(3).enumerate().any(|(at, window)| {
        if window[0] != b'%' {
            return false;
        }
        let Some(byte) = decode_hex(window[1], window[2]) else {
            return false;
        };
        let control = byte < 0x20 || byte == 0x7f;
        let slash_after_leading = at == 1 && (byte == b'/' || byte == b'\\');
        control || byte == b'\\' || slash_after_leading
    })
}

fn decode_hex(high: u8, low: u8) -> Option<u8> {
    let digit = |byte: u8| (byte as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_local_paths() {
        for value in [
            "/",
            "/admin",
            "/a/b?c=d&e=%2F",
            "/caf%C3%A9",
            "/é",
            "/a//b",
            "/%2e%2e/",
        ] {
            assert!(is_safe_next(value), "{value:?} should pass");
        }
    }

    #[test]
    fn next_rejects_other_origins_and_schemes() {
        let rejected = [
            "",
            "admin",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            " /admin",
        ];
        for value in rejected {
            assert!(!is_safe_next(value), "{value:?} should be rejected");
        }
    }

    #[test]
    fn next_rejects_control_characters() {
        for value in [
            "/\t/evil.example",
            "/a\r\nSet-Cookie: x",
            "/a\0",
            "/a\u{7f}",
            "/\u{85}",
        ] {
            assert!(!is_safe_next(value), "{value:?} should be rejected");
        }
    }

    #[test]
    fn next_rejects_encoded_controls_and_leading_slashes() {
        for value in [
            "/%0d%0aSet-Cookie:x",
            "/%2F/evil.example",
            "/%5cevil.example",
            "/a%09b",
            "/a%5Cb",
        ] {
            assert!(!is_safe_next(value), "{value:?} should be rejected");
        }
    }

    #[test]
    fn next_rejects_backslashes_anywhere() {
        assert!(!is_safe_next("/a\\b"));
    }

    #[test]
    fn next_rejects_overlong_values() {
        let long = format!("/{}", "a".repeat(MAX_NEXT_LEN));

        assert!(!is_safe_next(&long));
        assert!(is_safe_next(&long[..MAX_NEXT_LEN]));
    }
}
