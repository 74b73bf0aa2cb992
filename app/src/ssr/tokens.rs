//! Random secrets and codes: session tokens (stored only as their hash) and the short codes
//! people read and type (activation codes, webinar join codes, certificate verification codes).

use rand::Rng;
use sha2::{Digest, Sha256};

/// A fresh session token: 32 random bytes as 64 hex digits.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What the database keeps of a token or code: its SHA-256, so a leaked table opens nothing.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` looks like one [`new_token`] made (cookies are checked before any lookup).
pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `len` characters drawn uniformly from `alphabet` (which callers choose so that no two of its
/// characters are easily mistaken for one another).
pub fn random_code(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert!(is_token(&a) && is_token(&b));
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
        assert!(!is_token("abc"));
    }

    #[test]
    fn codes_use_only_their_alphabet() {
        let code = random_code(b"AB2", 40);
        assert_eq!(code.len(), 40);
        assert!(code.bytes().all(|b| b"AB2".contains(&b)));
    }
}
