//! The server's secret key, and the sealing of values kept encrypted at rest (code words, TOTP
//! secrets).
//!
//! A sealed value is stored as `enc:v1:` followed by base64 of a random 24-byte nonce and the
//! XChaCha20-Poly1305 ciphertext with its 16-byte tag. The version prefix lets a later key or
//! algorithm be told apart from this one, and a value without it from before encryption.
//! This room only seals and opens; where the key comes from is the `doorstep` binary's business.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use std::sync::Arc;

/// What a sealed value starts with.
pub const SEALED_PREFIX: &str = "enc:v1:";
/// Bytes in a key.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;
/// Ties a ciphertext to what it is, so a sealed value cannot be passed off as another field.
const CODE_WORD_AAD: &[u8] = b"doorstep:visits.code_word:v1";
const TOTP_SECRET_AAD: &[u8] = b"doorstep:second_factors.secret:v1";
const SSO_SECRET_AAD: &[u8] = b"doorstep:trust_sso.client_secret:v1";

/// The key that seals code words at rest. Cheap to clone; never printed.
#[derive(Clone)]
pub struct Secrets(Arc<XChaCha20Poly1305>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

/// Why a key's text was refused. The caller names the setting or file it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "is not a key: write 32 random bytes as base64 (44 characters) or hex (64 characters), e.g. from `openssl rand -base64 32`"
    )]
    Encoding,
    #[error("is {0} bytes long; a key is exactly 32 bytes (44 characters of base64 or 64 of hex)")]
    Length(usize),
}

/// A sealed value that this key does not open: another key sealed it, or it was altered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a stored code word does not open with this server's secret key (another key sealed it, or it was altered)"
)]
pub struct WrongKey;

impl Secrets {
    /// A key from its 32 bytes. Errors: [`KeyError::Length`] for any other length.
    pub fn from_bytes(key: &[u8]) -> Result<Secrets, KeyError> {
        if key.len() != KEY_BYTES {
            return Err(KeyError::Length(key.len()));
        }
        let key = Key::try_from(key).map_err(|_| KeyError::Length(key.len()))?;
        Ok(Secrets(Arc::new(XChaCha20Poly1305::new(&key))))
    }

    /// A key from its text: 64 hex digits, or base64 (standard alphabet, padded or not) of 32
    /// bytes; surrounding white space (a file's last newline) is ignored.
    /// Errors: [`KeyError::Encoding`], [`KeyError::Length`].
    pub fn parse(text: &str) -> Result<Secrets, KeyError> {
        let text = text.trim();
        let bytes = if text.len() == 2 * KEY_BYTES && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|_| KeyError::Encoding)?
        } else {
            STANDARD
                .decode(text)
                .or_else(|_| STANDARD_NO_PAD.decode(text))
                .map_err(|_| KeyError::Encoding)?
        };
        Secrets::from_bytes(&bytes)
    }

    /// A new random key (from the operating system's generator) and its base64 text, to keep.
    pub fn generate() -> (Secrets, String) {
        let key = Key::generate();
        let text = STANDARD.encode(key.as_slice());
        (Secrets(Arc::new(XChaCha20Poly1305::new(&key))), text)
    }

    /// A fixed key that anyone can read in this source: for tests only, never for a school's data.
    pub fn for_tests() -> Secrets {
        Secrets::from_bytes(&[7u8; KEY_BYTES]).expect("32 bytes")
    }

    /// [`Secrets::for_tests`]'s key as `DOORSTEP_SECRET_KEY` text (hex), for tests that run the
    /// binary on a database their harness wrote.
    pub const TEST_KEY_HEX: &'static str =
        "0707070707070707070707070707070707070707070707070707070707070707";

    /// Seals a code word: `enc:v1:` + base64(nonce ‖ ciphertext), a fresh random nonce each time.
    pub fn seal_code_word(&self, plain: &str) -> String {
        self.seal(plain, CODE_WORD_AAD)
    }

    /// The code word in a stored value: a sealed one opened, one from before encryption (no
    /// prefix) as it is. Errors: [`WrongKey`] when this key does not open it.
    pub fn open_code_word(&self, stored: &str) -> Result<String, WrongKey> {
        self.open(stored, CODE_WORD_AAD)
    }

    /// Seals a person's TOTP secret (base32 text) as [`Secrets::seal_code_word`] does, bound to
    /// its own field so a sealed code word cannot be passed off as one.
    pub(crate) fn seal_totp_secret(&self, plain: &str) -> String {
        self.seal(plain, TOTP_SECRET_AAD)
    }

    /// A TOTP secret sealed by [`Secrets::seal_totp_secret`]. Errors: [`WrongKey`]; an unsealed
    /// value is refused too (TOTP secrets were never stored plain).
    pub(crate) fn open_totp_secret(&self, stored: &str) -> Result<String, WrongKey> {
        if !is_sealed(stored) {
            return Err(WrongKey);
        }
        self.open(stored, TOTP_SECRET_AAD)
    }

    /// Seals a trust's single sign-on client secret, bound to its own field.
    pub(crate) fn seal_sso_secret(&self, plain: &str) -> String {
        self.seal(plain, SSO_SECRET_AAD)
    }

    /// A client secret sealed by [`Secrets::seal_sso_secret`]. Errors: [`WrongKey`]; an unsealed
    /// value is refused too (client secrets were never stored plain).
    pub(crate) fn open_sso_secret(&self, stored: &str) -> Result<String, WrongKey> {
        if !is_sealed(stored) {
            return Err(WrongKey);
        }
        self.open(stored, SSO_SECRET_AAD)
    }

    fn seal(&self, plain: &str, aad: &[u8]) -> String {
        let nonce = XNonce::generate();
        let payload = Payload {
            msg: plain.as_bytes(),
            aad,
        };
        // Encryption of an in-memory buffer fails only past ChaCha's 256 GiB per-nonce limit.
        let sealed = self
            .0
            .encrypt(&nonce, payload)
            .expect("a sealed value is far below the cipher's length limit");
        let mut bytes = Vec::with_capacity(NONCE_BYTES + sealed.len());
        bytes.extend_from_slice(nonce.as_slice());
        bytes.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", STANDARD.encode(bytes))
    }

    fn open(&self, stored: &str, aad: &[u8]) -> Result<String, WrongKey> {
        let Some(body) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_string());
        };
        let bytes = STANDARD.decode(body).map_err(|_| WrongKey)?;
        if bytes.len() < NONCE_BYTES {
            return Err(WrongKey);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce = XNonce::try_from(nonce).map_err(|_| WrongKey)?;
        let plain = self
            .0
            .decrypt(&nonce, Payload { msg: sealed, aad })
            .map_err(|_| WrongKey)?;
        String::from_utf8(plain).map_err(|_| WrongKey)
    }
}

/// Whether a stored value is sealed (rather than plain text from before encryption).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_code_word_opens_with_its_key_only() {
        let (key, _) = Secrets::generate();
        let sealed = key.seal_code_word("bluebell");
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("bluebell"));
        assert_ne!(
            sealed,
            key.seal_code_word("bluebell"),
            "a fresh nonce each time"
        );
        assert_eq!(key.open_code_word(&sealed).unwrap(), "bluebell");
        let (other, _) = Secrets::generate();
        assert_eq!(other.open_code_word(&sealed), Err(WrongKey));
        assert_eq!(key.open_code_word("heron").unwrap(), "heron");
    }

    #[test]
    fn a_key_is_read_from_base64_or_hex_and_anything_else_is_refused() {
        let (key, text) = Secrets::generate();
        let sealed = key.seal_code_word("x");
        let again = Secrets::parse(&format!("{text}\n")).unwrap();
        assert_eq!(again.open_code_word(&sealed).unwrap(), "x");
        let raw = STANDARD.decode(&text).unwrap();
        let from_hex = Secrets::parse(&hex::encode(&raw)).unwrap();
        assert_eq!(from_hex.open_code_word(&sealed).unwrap(), "x");
        assert_eq!(
            Secrets::parse(&STANDARD.encode([1u8; 16])).unwrap_err(),
            KeyError::Length(16)
        );
        assert_eq!(
            Secrets::parse("not a key!").unwrap_err(),
            KeyError::Encoding
        );
    }
}
