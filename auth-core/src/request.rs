//! A framework-neutral, read-only view of an incoming request.

use std::any::Any;
use std::fmt;
use std::net::SocketAddr;

use crate::AuthError;

/// Read access to a request's headers, implemented by each framework adapter.
///
/// Names are given in lowercase; a header may occur several times.
pub trait HeaderSource {
    /// The `index`-th value of the header `name`, in the order received.
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]>;
}

/// What a backend may read of a request: never its body.
///
/// # Examples
///
/// ```
/// use auth_core::{HeaderList, RequestView};
///
/// let headers = HeaderList::new([("cookie", "theme=dark; sid=abc")]);
/// let request = RequestView::new("GET", "/notes", "page=2", &headers);
///
/// assert_eq!(request.cookie("sid").unwrap(), Some("abc"));
/// assert_eq!(request.query_param("page"), Some("2"));
/// ```
#[derive(Clone, Copy)]
pub struct RequestView<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a dyn HeaderSource,
    peer_addr: Option<SocketAddr>,
    extensions: &'a [&'a dyn Any],
}

impl<'a> RequestView<'a> {
    /// A view of a request with this method, path, raw query string and headers.
    pub fn new(
        method: &'a str,
        path: &'a str,
        query: &'a str,
        headers: &'a dyn HeaderSource,
    ) -> Self {
        Self {
            method,
            path,
            query,
            headers,
            peer_addr: None,
            extensions: &[],
        }
    }

    /// Sets the address of the connection's peer.
    pub fn with_peer_addr(mut self, peer_addr: Option<SocketAddr>) -> Self {
        self.peer_addr = peer_addr;
        self
    }

    /// Lends backends framework state that has no neutral form, looked up by type.
    ///
    /// An adapter passes what its own backends need (`auth-actix` lends its `HttpRequest`, so
    /// that a session backend can reach the session); framework-neutral backends never look.
    ///
    /// # Examples
    ///
    /// ```
    /// use auth_core::{HeaderList, RequestView};
    ///
    /// struct Tenant(&'static str);
    ///
    /// let headers = HeaderList::default();
    /// let tenant = Tenant("acme");
    /// let lent: [&dyn std::any::Any; 1] = [&tenant];
    /// let request = RequestView::new("GET", "/", "", &headers).with_extensions(&lent);
    ///
    /// assert_eq!(request.extension::<Tenant>().map(|tenant| tenant.0), Some("acme"));
    /// assert!(request.extension::<String>().is_none());
    /// ```
    pub fn with_extensions(mut self, extensions: &'a [&'a dyn Any]) -> Self {
        self.extensions = extensions;
        self
    }

    /// The first lent value of type `T`, if the adapter lent one.
    pub fn extension<T: Any>(&self) -> Option<&'a T> {
        self.extensions
            .iter()
            .find_map(|value| (*value).downcast_ref::<T>())
    }

    /// The request method, such as `GET`.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The request path, as received (not percent-decoded).
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The raw query string, without the leading `?` (not percent-decoded).
    pub fn query(&self) -> &'a str {
        self.query
    }

    /// The address of the connection's peer, when the server knows it.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.peer_addr
    }

    /// Every value of the header `name` (lowercase), in the order received.
    pub fn headers(&self, name: &'a str) -> HeaderValues<'a> {
        HeaderValues {
            source: self.headers,
            name,
            index: 0,
        }
    }

    /// The single value of the header `name` (lowercase).
    ///
    /// Credentials must be unambiguous, so a header sent more than once is a malformed
    /// request rather than a choice between its values.
    ///
    /// # Errors
    ///
    /// A [`Malformed`](crate::ErrorKind::Malformed) error when the header occurs twice or more.
    pub fn header(&self, name: &'a str) -> Result<Option<&'a [u8]>, AuthError> {
        let mut values = self.headers(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(AuthError::malformed(format!("duplicate {name} header")));
        }
        Ok(first)
    }

    /// The credentials of an `Authorization` header whose scheme is `scheme`.
    ///
    /// The scheme is matched case-insensitively and must be followed by at least one space;
    /// surrounding spaces and tabs are trimmed. Another scheme, or no header, is "not mine":
    /// `Ok(None)`.
    ///
    /// # Errors
    ///
    /// A [`Malformed`](crate::ErrorKind::Malformed) error when several `Authorization` headers
    /// were sent, or when the header is this scheme with empty credentials.
    pub fn authorization(&self, scheme: &str) -> Result<Option<&'a [u8]>, AuthError> {
        let Some(value) = self.header("authorization")? else {
            return Ok(None);
        };
        let value = value.trim_ascii();
        let Some(prefix) = value.get(..scheme.len()) else {
            return Ok(None);
        };
        if !prefix.eq_ignore_ascii_case(scheme.as_bytes()) {
            return Ok(None);
        }

        let rest = &value[scheme.len()..];
        if rest.is_empty() {
            return Err(AuthError::malformed(format!("empty {scheme} credentials")));
        }
        if rest[0] != b' ' && rest[0] != b'\t' {
            // A longer scheme that merely starts with this one, such as `Basicx`.
            return Ok(None);
        }
        Ok(Some(rest.trim_ascii()))
    }

    /// The value of the cookie `name`, from every `Cookie` header.
    ///
    /// A pair counts as the cookie `name` when its name, trimmed, is `name` as sent or once
    /// percent-decoded: frameworks that decode cookie names (actix-web does) read `%69d=x` as
    /// the cookie `id`. Such an encoded name is refused, alone or not: a browser stores it
    /// under the name as sent, so a `__Host-` name's protection does not cover it, and any
    /// domain the browser trusts with cookies may have planted it. Names and values are trimmed
    /// of whitespace, Unicode whitespace included where the pair is UTF-8, as those
    /// frameworks trim them. The value is returned as sent, without surrounding quotes.
    ///
    /// # Errors
    ///
    /// A [`Malformed`](crate::ErrorKind::Malformed) error when the cookie occurs twice, since a
    /// second value could shadow the first, when its name is percent-encoded, or when its value
    /// is not UTF-8.
    pub fn cookie(&self, name: &str) -> Result<Option<&'a str>, AuthError> {
        let mut found = None;
        for header in self.headers("cookie") {
            for pair in header.split(|&byte| byte == b';') {
                let Some(eq) = pair.iter().position(|&byte| byte == b'=') else {
                    continue;
                };
                let raw_name = trim_cookie_part(&pair[..eq]);
                if raw_name != name.as_bytes() {
                    // Browsers keep the cookie under its name as sent, so the protections of a
                    // `__Host-` or `__Secure-` name do not reach `%5F_Host-id`: any sibling
                    // domain may have set it, and a framework decoding names reads it as ours.
                    if decodes_to(raw_name, name) {
                        return Err(AuthError::malformed(format!(
                            "percent-encoded {name} cookie name"
                        )));
                    }
                    continue;
                }
                if found.is_some() {
                    return Err(AuthError::malformed(format!("duplicate {name} cookie")));
                }
                let value = std::str::from_utf8(trim_cookie_part(&pair[eq + 1..]))
                    .map_err(|_| AuthError::malformed(format!("{name} cookie is not UTF-8")))?;
                found = Some(value.trim_matches('"'));
            }
        }
        Ok(found)
    }

    /// The raw (not percent-decoded) value of the first query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&'a str> {
        self.query_params(name).next()
    }

    /// The single raw value of the query parameter `name`, for parameters carrying credentials.
    ///
    /// # Errors
    ///
    /// A [`Malformed`](crate::ErrorKind::Malformed) error when the parameter occurs twice or more.
    pub fn single_query_param(&self, name: &str) -> Result<Option<&'a str>, AuthError> {
        let mut values = self.query_params(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(AuthError::malformed(format!(
                "duplicate {name} query parameter"
            )));
        }
        Ok(first)
    }

    /// Whether the request asks to become a WebSocket (`Upgrade: websocket`).
    pub fn is_websocket_upgrade(&self) -> bool {
        is_websocket_upgrade(self.headers("upgrade"))
    }

    fn query_params<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.query.split('&').filter_map(move |pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then_some(value)
        })
    }
}

impl fmt::Debug for RequestView<'_> {
    // Headers are left out: they carry the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestView")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("peer_addr", &self.peer_addr)
            .finish_non_exhaustive()
    }
}

/// A cookie name or value without surrounding whitespace: Unicode whitespace when it is
/// UTF-8 (as `str::trim` trims, which is what actix-web and the `cookie` crate use), ASCII
/// whitespace otherwise.
fn trim_cookie_part(part: &[u8]) -> &[u8] {
    match std::str::from_utf8(part) {
        Ok(text) => text.trim().as_bytes(),
        Err(_) => part.trim_ascii(),
    }
}

/// Whether the cookie name `raw`, once percent-decoded, is `name`.
fn decodes_to(raw: &[u8], name: &str) -> bool {
    let mut expected = name.bytes();
    let mut rest = raw;
    while let Some((&first, tail)) = rest.split_first() {
        let escaped = (first == b'%')
            .then(|| tail.get(..2).and_then(decode_hex_pair))
            .flatten();
        let byte = match escaped {
            Some(byte) => {
                rest = &tail[2..];
                byte
            }
            None => {
                rest = tail;
                first
            }
        };
        if expected.next() != Some(byte) {
            return false;
        }
    }
    expected.next().is_none()
}

/// The byte two hex digits spell.
fn decode_hex_pair(hex: &[u8]) -> Option<u8> {
    let digit = |byte: u8| (byte as char).to_digit(16);
    Some((digit(hex[0])? * 16 + digit(hex[1])?) as u8)
}

/// Whether `Upgrade` header values ask for a WebSocket; each value may list several protocols.
pub fn is_websocket_upgrade<'v>(upgrade: impl IntoIterator<Item = &'v [u8]>) -> bool {
    upgrade.into_iter().any(|value| {
        value
            .split(|&byte| byte == b',')
            .any(|protocol| protocol.trim_ascii().eq_ignore_ascii_case(b"websocket"))
    })
}

/// The values of one header, from [`RequestView::headers`].
#[derive(Clone)]
pub struct HeaderValues<'a> {
    source: &'a dyn HeaderSource,
    name: &'a str,
    index: usize,
}

impl<'a> Iterator for HeaderValues<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let value = self.source.nth(self.name, self.index)?;
        self.index += 1;
        Some(value)
    }
}

impl fmt::Debug for HeaderValues<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderValues")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// An owned [`HeaderSource`] built from name and value pairs, for tests and small adapters.
///
/// Names are compared case-insensitively.
///
/// # Examples
///
/// ```
/// use auth_core::{HeaderList, RequestView};
///
/// let headers = HeaderList::new([("Authorization", "Basic YTpi"), ("authorization", "Bearer x")]);
/// let request = RequestView::new("GET", "/", "", &headers);
///
/// assert_eq!(request.headers("authorization").count(), 2);
/// assert!(request.header("authorization").is_err());
/// ```
#[derive(Clone, Default)]
pub struct HeaderList {
    pairs: Vec<(String, Vec<u8>)>,
}

impl HeaderList {
    /// Headers from `(name, value)` pairs, in the order received.
    pub fn new<N, V>(pairs: impl IntoIterator<Item = (N, V)>) -> Self
    where
        N: Into<String>,
        V: AsRef<[u8]>,
    {
        let pairs = pairs
            .into_iter()
            .map(|(name, value)| (name.into(), value.as_ref().to_vec()))
            .collect();
        Self { pairs }
    }
}

impl HeaderSource for HeaderList {
    fn nth(&self, name: &str, index: usize) -> Option<&[u8]> {
        self.pairs
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .nth(index)
            .map(|(_, value)| value.as_slice())
    }
}

impl fmt::Debug for HeaderList {
    // Values are left out: they may carry credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.pairs.iter().map(|(name, _)| name))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(headers: &HeaderList) -> RequestView<'_> {
        RequestView::new("GET", "/", "a=1&next=%2Fx&flag", headers)
    }

    #[test]
    fn authorization_scheme_is_case_insensitive() {
        let headers = HeaderList::new([("authorization", "bAsIc  YTpi ")]);

        assert_eq!(
            view(&headers).authorization("Basic").unwrap(),
            Some(&b"YTpi"[..])
        );
    }

    #[test]
    fn authorization_of_another_scheme_is_not_mine() {
        let headers = HeaderList::new([("authorization", "Basicx YTpi")]);

        assert_eq!(view(&headers).authorization("Basic").unwrap(), None);
        assert_eq!(view(&headers).authorization("Bearer").unwrap(), None);
    }

    #[test]
    fn authorization_with_empty_credentials_is_malformed() {
        for value in ["Basic", "Basic   ", "basic\t"] {
            let headers = HeaderList::new([("authorization", value)]);

            let err = view(&headers).authorization("Basic").unwrap_err();

            assert_eq!(err.kind(), crate::ErrorKind::Malformed);
        }
    }

    #[test]
    fn duplicate_authorization_headers_are_malformed() {
        let headers = HeaderList::new([
            ("authorization", "Basic YTpi"),
            ("Authorization", "Basic YTpi"),
        ]);

        let err = view(&headers).authorization("Basic").unwrap_err();

        assert_eq!(err.kind(), crate::ErrorKind::Malformed);
    }

    #[test]
    fn cookies_are_found_across_headers() {
        let headers = HeaderList::new([("cookie", "a=1; b=2"), ("cookie", "sid=\"xyz\"")]);

        assert_eq!(view(&headers).cookie("b").unwrap(), Some("2"));
        assert_eq!(view(&headers).cookie("sid").unwrap(), Some("xyz"));
        assert_eq!(view(&headers).cookie("none").unwrap(), None);
    }

    #[test]
    fn duplicate_cookie_is_malformed() {
        let headers = HeaderList::new([("cookie", "sid=1; sid=2")]);

        assert!(view(&headers).cookie("sid").is_err());
    }

    #[test]
    fn percent_encoded_cookie_names_count_as_duplicates() {
        // actix-web decodes cookie names: `%69d` is a second `id`, and `%18` is "\u{18}".
        for (name, header) in [
            ("id", "%69d=planted; id=mine"),
            ("id", "id=mine; %69%64=planted"),
            ("\u{18}", "%18=; %18="),
        ] {
            let headers = HeaderList::new([("cookie", header)]);

            assert!(view(&headers).cookie(name).is_err(), "{header}");
        }
        // Decoded once only: `%2569d` is `%69d`, not `id`.
        let headers = HeaderList::new([("cookie", "id=x; %2569d=y")]);
        assert_eq!(view(&headers).cookie("id").unwrap(), Some("x"));
    }

    #[test]
    fn percent_encoded_cookie_name_is_refused_even_alone() {
        // A browser keeps `%5F_Host-id` under that name, outside the `__Host-` rules, so any
        // sibling domain may have set it; actix-web would read it as `__Host-id`.
        for header in [
            "%5F_Host-id=planted",
            "%5F%5FHost-id=planted",
            "__Host%2Did=planted",
        ] {
            let headers = HeaderList::new([("cookie", header)]);

            let err = view(&headers).cookie("__Host-id").unwrap_err();
            assert_eq!(
                err.message(),
                "percent-encoded __Host-id cookie name",
                "{header}"
            );
        }
    }

    #[test]
    fn cookie_names_are_trimmed_of_unicode_whitespace() {
        let headers = HeaderList::new([("cookie", "\u{a0}id\u{3000}=planted; id=mine")]);

        assert!(view(&headers).cookie("id").is_err());
    }

    #[test]
    fn query_params_are_raw() {
        let headers = HeaderList::default();

        assert_eq!(view(&headers).query_param("next"), Some("%2Fx"));
        assert_eq!(view(&headers).query_param("flag"), Some(""));
        assert_eq!(view(&headers).query_param("b"), None);
    }

    #[test]
    fn credential_query_params_must_be_single() {
        let headers = HeaderList::default();
        let request = RequestView::new("GET", "/", "token=a&x=1&token=b", &headers);

        assert_eq!(request.single_query_param("x").unwrap(), Some("1"));
        assert_eq!(request.single_query_param("none").unwrap(), None);
        assert_eq!(
            request.single_query_param("token").unwrap_err().message(),
            "duplicate token query parameter"
        );
    }

    #[test]
    fn websocket_upgrade_is_found_among_listed_protocols() {
        for (upgrade, expected) in [
            ("websocket", true),
            ("h2c, WebSocket", true),
            ("h2c", false),
        ] {
            let headers = HeaderList::new([("upgrade", upgrade)]);

            assert_eq!(view(&headers).is_websocket_upgrade(), expected, "{upgrade}");
        }
        assert!(!view(&HeaderList::default()).is_websocket_upgrade());
    }

    #[test]
    fn debug_output_leaves_out_header_values() {
        let headers = HeaderList::new([("authorization", "Basic c2VjcmV0OnNlY3JldA==")]);

        let debug = format!("{:?} {:?}", headers, view(&headers));

        assert!(!debug.contains("c2VjcmV0"));
    }
}
