//! Keys and the keyed operators: HMAC fingerprints and AES-SIV tokens, and `restore`.

use super::RedactError;
use aes_siv::aead::KeyInit;
use aes_siv::siv::Aes256Siv;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::borrow::Cow;
use std::fmt;
use std::io::{Read, Write};
use std::path::Path;

/// The environment variable a key is read from when no key file is given.
pub const KEY_ENV: &str = "REDACTYL_KEY";

/// Bytes of key material a key must have.
pub const KEY_BYTES: usize = 32;

/// Opens every encrypted token.
const ENC_OPEN: &[u8] = b"[enc:";

/// The keys of the keyed operators, derived (HKDF-SHA256) from one secret of at least 32
/// bytes, written as hex in a key file or in `REDACTYL_KEY`.
///
/// Its `Debug` output shows nothing of the key.
///
/// ```
/// use redactyl::RedactionKey;
///
/// let key = RedactionKey::from_hex(&"00".repeat(32))?;
/// assert_eq!(key.fingerprint(b"jane@example.com").len(), 16);
/// # Ok::<(), redactyl::RedactError>(())
/// ```
#[derive(Clone)]
pub struct RedactionKey {
    hash: [u8; 32],
    siv: [u8; 64],
    surrogate: [u8; 32],
}

impl fmt::Debug for RedactionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RedactionKey(..)")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl RedactionKey {
    /// A key from raw secret bytes (at least [`KEY_BYTES`]).
    ///
    /// # Errors
    /// When the secret is shorter than [`KEY_BYTES`].
    pub fn from_bytes(secret: &[u8]) -> Result<RedactionKey, RedactError> {
        if secret.len() < KEY_BYTES {
            return Err(RedactError::key(format!(
                "the key has {} bytes; it needs at least {KEY_BYTES} (64 hex digits)",
                secret.len()
            )));
        }
        let hk = Hkdf::<Sha256>::new(Some(b"redactyl key v1"), secret);
        let mut key = RedactionKey {
            hash: [0; 32],
            siv: [0; 64],
            surrogate: [0; 32],
        };
        // Expanding at most 255 * 32 bytes cannot fail; these are far below.
        let ok = hk.expand(b"hash", &mut key.hash).is_ok()
            && hk.expand(b"encrypt", &mut key.siv).is_ok()
            && hk.expand(b"surrogate", &mut key.surrogate).is_ok();
        if !ok {
            return Err(RedactError::key("key derivation failed".into()));
        }
        Ok(key)
    }

    /// A key from hex text (white space ignored), as in a key file.
    ///
    /// # Errors
    /// When the text is not hex or too short. The message never repeats the text.
    pub fn from_hex(text: &str) -> Result<RedactionKey, RedactError> {
        let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if digits.is_empty() {
            return Err(RedactError::key("the key is empty".into()));
        }
        if digits.len() % 2 != 0 || !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(RedactError::key(
                "the key is not hex (expected 64 or more hex digits)".into(),
            ));
        }
        let nibble = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
        let bytes: Vec<u8> = digits
            .chunks_exact(2)
            .map(|p| nibble(p[0]) << 4 | nibble(p[1]))
            .collect();
        RedactionKey::from_bytes(&bytes)
    }

    /// Reads a key file (hex).
    ///
    /// # Errors
    /// When the file cannot be read or does not hold a key; the message names the file.
    pub fn from_file(path: &Path) -> Result<RedactionKey, RedactError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            RedactError::key(format!("cannot read key file {}: {e}", path.display()))
        })?;
        RedactionKey::from_hex(&text)
            .map_err(|e| RedactError::key(format!("key file {}: {}", path.display(), e.detail())))
    }

    /// Reads the key from [`KEY_ENV`]; `Ok(None)` when the variable is not set.
    ///
    /// # Errors
    /// When the variable is set but does not hold a key.
    pub fn from_env() -> Result<Option<RedactionKey>, RedactError> {
        match std::env::var(KEY_ENV) {
            Ok(v) => RedactionKey::from_hex(&v)
                .map(Some)
                .map_err(|e| RedactError::key(format!("{KEY_ENV}: {}", e.detail()))),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(RedactError::key(format!(
                "{KEY_ENV} is not valid text (expected hex)"
            ))),
        }
    }

    /// A new random key as hex, from the operating system's random source.
    ///
    /// # Errors
    /// When the random source cannot be read.
    pub fn generate_hex() -> Result<String, RedactError> {
        let mut bytes = [0u8; KEY_BYTES];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut bytes))
            .map_err(|e| RedactError::key(format!("cannot read /dev/urandom: {e}")))?;
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The 64-bit keyed fingerprint of `value` as 16 hex digits: the first 8 bytes of
    /// HMAC-SHA256 under the key's hashing subkey.
    pub fn fingerprint(&self, value: &[u8]) -> String {
        let tag = self.mac(&self.hash, &[value]);
        tag[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// HMAC-SHA256 of the concatenated parts under `key`.
    fn mac(&self, key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        // HMAC takes keys of any length.
        let Ok(mut m) = <HmacSha256 as Mac>::new_from_slice(key) else {
            return [0; 32];
        };
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    /// A keyed pseudo-random stream for surrogates: block `n` of the value's stream.
    pub(crate) fn surrogate_block(&self, entity: &str, value: &[u8], n: u32) -> [u8; 32] {
        self.mac(
            &self.surrogate,
            &[entity.as_bytes(), &[0], value, &n.to_le_bytes()],
        )
    }

    /// The encrypted token of `value`: `[enc:ENTITY:base64url]`. The entity is authenticated
    /// with the value; the value is padded to a multiple of 16 bytes first, so a token tells
    /// only the value's length rounded up.
    pub fn encrypt_token(&self, entity: &str, value: &[u8]) -> String {
        let mut padded = Vec::with_capacity(value.len() + 16);
        padded.extend_from_slice(value);
        padded.push(0x80);
        while padded.len() % 16 != 0 {
            padded.push(0);
        }
        let mut siv = Aes256Siv::new((&self.siv).into());
        // SIV encryption fails only for more associated-data items than the cipher allows.
        let sealed = siv
            .encrypt([entity.as_bytes()], &padded)
            .unwrap_or_default();
        format!("[enc:{entity}:{}]", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Opens one token's parts; `None` when it does not authenticate under this key.
    fn open(&self, entity: &[u8], body: &[u8]) -> Option<Vec<u8>> {
        let sealed = URL_SAFE_NO_PAD.decode(body).ok()?;
        let mut siv = Aes256Siv::new((&self.siv).into());
        let mut plain = siv.decrypt([entity], &sealed).ok()?;
        let end = plain.iter().rposition(|&b| b != 0)?;
        if plain[end] != 0x80 {
            return None;
        }
        plain.truncate(end);
        Some(plain)
    }

    /// Replaces every encrypted token in `text` by its original value.
    ///
    /// Tokens that do not open under this key (another key, or altered) stay as they are and
    /// are counted in [`RestoreStats::failed`].
    ///
    /// ```
    /// use redactyl::RedactionKey;
    ///
    /// let key = RedactionKey::from_hex(&"2a".repeat(32))?;
    /// let text = format!("mail {} now", key.encrypt_token("EMAIL_ADDRESS", b"a@b.io"));
    /// let (back, stats) = key.restore(text.as_bytes());
    /// assert_eq!(&*back, b"mail a@b.io now");
    /// assert_eq!((stats.restored, stats.failed), (1, 0));
    /// # Ok::<(), redactyl::RedactError>(())
    /// ```
    pub fn restore<'a>(&self, text: &'a [u8]) -> (Cow<'a, [u8]>, RestoreStats) {
        let mut stats = RestoreStats::default();
        let mut out: Option<Vec<u8>> = None;
        let mut copied = 0;
        for at in memchr::memmem::find_iter(text, ENC_OPEN) {
            if at < copied {
                continue;
            }
            let Some((entity, body, end)) = parse_token(text, at) else {
                continue;
            };
            match self.open(entity, body) {
                Some(plain) => {
                    let o = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
                    o.extend_from_slice(&text[copied..at]);
                    o.extend_from_slice(&plain);
                    copied = end;
                    stats.restored += 1;
                }
                None => stats.failed += 1,
            }
        }
        match out {
            None => (Cow::Borrowed(text), stats),
            Some(mut o) => {
                o.extend_from_slice(&text[copied..]);
                (Cow::Owned(o), stats)
            }
        }
    }

    /// [`RedactionKey::restore`] from a reader to a writer in bounded memory.
    ///
    /// # Errors
    /// When reading or writing fails.
    pub fn restore_stream<R: Read, W: Write>(
        &self,
        mut input: R,
        mut output: W,
    ) -> Result<RestoreStats, RedactError> {
        const BLOCK: usize = 1 << 16;
        let mut stats = RestoreStats::default();
        let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + MAX_TOKEN);
        let mut eof = false;
        while !eof {
            let filled = super::fill(&mut input, &mut buf, BLOCK + MAX_TOKEN)?;
            eof = filled;
            // Keep back a token whose end has not arrived yet, and a split "[enc:".
            let cut = if eof {
                buf.len()
            } else {
                let tail = buf.len().saturating_sub(MAX_TOKEN);
                let mut cut = cut_before_partial_open(&buf);
                if let Some(i) = memchr::memmem::rfind(&buf[tail..], ENC_OPEN) {
                    if parse_token(&buf, tail + i).is_none() {
                        cut = cut.min(tail + i);
                    }
                }
                cut
            };
            let (done, s) = self.restore(&buf[..cut]);
            stats.restored += s.restored;
            stats.failed += s.failed;
            output.write_all(&done).map_err(RedactError::io)?;
            buf.drain(..cut);
        }
        output.flush().map_err(RedactError::io)?;
        Ok(stats)
    }
}

/// The longest token `restore` recognises.
const MAX_TOKEN: usize = 1 << 16;

/// Where to stop so that `[enc:` split at the end of the buffer is kept for the next round.
fn cut_before_partial_open(buf: &[u8]) -> usize {
    for k in (1..ENC_OPEN.len()).rev() {
        if buf.len() >= k && buf[buf.len() - k..] == ENC_OPEN[..k] {
            return buf.len() - k;
        }
    }
    buf.len()
}

/// `[enc:ENTITY:BODY]` at `at`: the entity, the body and the end offset.
fn parse_token(text: &[u8], at: usize) -> Option<(&[u8], &[u8], usize)> {
    let rest = text.get(at + ENC_OPEN.len()..)?;
    let colon = rest
        .iter()
        .take(64)
        .position(|&b| !(b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))?;
    if colon == 0 || rest[colon] != b':' {
        return None;
    }
    let body = &rest[colon + 1..];
    let len = body
        .iter()
        .take(MAX_TOKEN)
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))?;
    if len == 0 || body[len] != b']' {
        return None;
    }
    let end = at + ENC_OPEN.len() + colon + 1 + len + 1;
    Some((&rest[..colon], &body[..len], end))
}

/// What a restore did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RestoreStats {
    /// Tokens put back.
    pub restored: u64,
    /// Tokens that did not open under the key (left as they were).
    pub failed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RedactionKey {
        let hex: String = (0u8..32).map(|b| format!("{b:02x}")).collect();
        RedactionKey::from_hex(&hex).unwrap()
    }

    #[test]
    fn fingerprints_match_fixed_vectors() {
        // Computed independently (Python hmac/hashlib: HKDF-SHA256 with salt
        // "redactyl key v1", info "hash", then HMAC-SHA256), key bytes 00..1f.
        let k = key();
        assert_eq!(k.fingerprint(b"jane.doe@example.com"), "517eefc6da988c3b");
        assert_eq!(k.fingerprint(b"4111111111111111"), "c3d75c8b0c720e35");
        assert_eq!(k.fingerprint(b""), "6a21162fa8b3376d");
    }

    #[test]
    fn bad_keys_are_clear_errors_without_the_key() {
        let e = RedactionKey::from_hex("zz".repeat(32).as_str()).unwrap_err();
        assert!(e.to_string().contains("not hex") && !e.to_string().contains("zz"));
        let e = RedactionKey::from_hex("ab").unwrap_err().to_string();
        assert!(e.contains("at least 32"), "{e}");
        assert!(RedactionKey::from_hex("  \n").is_err());
        assert_eq!(format!("{:?}", key()), "RedactionKey(..)");
    }

    #[test]
    fn tokens_round_trip_and_authenticate() {
        let k = key();
        for v in [
            &b""[..],
            b"a",
            b"jane.doe@example.com",
            &[0u8, 0x80, 0, 0xff][..],
        ] {
            let t = k.encrypt_token("EMAIL_ADDRESS", v);
            assert_eq!(t, k.encrypt_token("EMAIL_ADDRESS", v), "deterministic");
            let (back, stats) = k.restore(t.as_bytes());
            assert_eq!(&*back, v);
            assert_eq!(stats.restored, 1);
        }
        // Relabelled or altered tokens, or another key, do not open.
        let t = k.encrypt_token("EMAIL_ADDRESS", b"secret");
        let relabelled = t.replace("EMAIL_ADDRESS", "PERSON");
        let other = RedactionKey::from_hex(&"11".repeat(32)).unwrap();
        for bad in [relabelled.as_bytes(), t.as_bytes()] {
            let key = if bad == t.as_bytes() { &other } else { &k };
            let (back, stats) = key.restore(bad);
            assert_eq!(&*back, bad);
            assert_eq!(stats.failed, 1);
        }
    }

    #[test]
    fn restore_stream_handles_tokens_across_reads() {
        let k = key();
        let mut text = Vec::new();
        let mut want = Vec::new();
        for i in 0..3000u32 {
            let v = format!("user{i}@example.com");
            text.extend_from_slice(format!("row {i} ").as_bytes());
            want.extend_from_slice(format!("row {i} ").as_bytes());
            text.extend_from_slice(k.encrypt_token("EMAIL_ADDRESS", v.as_bytes()).as_bytes());
            want.extend_from_slice(v.as_bytes());
            text.push(b'\n');
            want.push(b'\n');
        }
        let mut out = Vec::new();
        let reader = super::super::tests::Trickle::new(&text, 7);
        let stats = k.restore_stream(reader, &mut out).unwrap();
        assert_eq!(stats.restored, 3000);
        assert_eq!(out, want);
    }
}
