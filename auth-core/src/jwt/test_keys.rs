//! Key pairs generated when the tests run, so no private key is kept in the repository.

use std::sync::OnceLock;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use rsa::Generate;

/// A private key and its public key, both PEM.
pub(crate) struct KeyPair {
    pub(crate) private_pem: String,
    pub(crate) public_pem: String,
}

fn rsa_pair() -> KeyPair {
    let private = rsa::PrivateKey::generate();
    KeyPair {
        private_pem: private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    }
}

/// One 2048-bit RSA key pair per test run (generating one takes a moment).
pub(crate) fn rsa() -> &'static KeyPair {
    static KEY: OnceLock<KeyPair> = OnceLock::new();
    KEY.get_or_init(rsa_pair)
}

/// A second RSA key pair, for signatures the first key must refuse.
pub(crate) fn other_rsa() -> &'static KeyPair {
    static KEY: OnceLock<KeyPair> = OnceLock::new();
    KEY.get_or_init(rsa_pair)
}

/// A fresh Ed25519 key pair.
pub(crate) fn ed25519() -> KeyPair {
    let private = ed25519_dalek::SigningKey::from_bytes(&<[u8; 32]>::generate());
    KeyPair {
        private_pem: private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: private
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    }
}
