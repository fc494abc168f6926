//! Turning a file's bytes into normalised text: BOM, strict UTF-8, UTF-16 with BOM, and
//! Windows-1252 when the bytes are plausible Windows-1252 text.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use unicode_normalization::UnicodeNormalization;

/// Decoded text and the name of the encoding it came from.
#[derive(Debug)]
pub struct Decoded {
    /// NFC-normalised text with `\n` line ends and no BOM.
    pub text: String,
    /// The encoding's name, e.g. `UTF-8`, `UTF-16LE`, `windows-1252`.
    pub encoding: &'static str,
}

/// Decodes `bytes`; an error message says why the bytes are not text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let raw = decode_raw(bytes)?;
    Ok(Decoded {
        text: normalise(&raw.text),
        encoding: raw.encoding,
    })
}

/// Text decoded as it stands in the file: line ends and composition untouched, only the
/// byte-order mark taken off (the encoding's name says whether there was one).
#[derive(Debug)]
pub struct RawDecoded {
    /// The text after the byte-order mark.
    pub text: String,
    /// The encoding's name, as in [`Decoded::encoding`].
    pub encoding: &'static str,
}

/// Decodes `bytes` without normalising them, so that [`encode_raw`] gives the same bytes
/// back; an error message says why the bytes are not text.
pub fn decode_raw(bytes: &[u8]) -> Result<RawDecoded, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    let (raw, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|e| {
            format!(
                "has a UTF-8 byte-order mark but invalid UTF-8 at byte {}",
                e.valid_up_to() + 3
            )
        })?;
        (text.to_owned(), "UTF-8 (BOM)")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (decode_strict(UTF_16LE, rest)?, "UTF-16LE")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (decode_strict(UTF_16BE, rest)?, "UTF-16BE")
    } else if bytes.contains(&0) {
        return Err("binary file (or UTF-16 without a byte-order mark): contains NUL bytes".into());
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), "UTF-8")
    } else {
        check_plausible_windows_1252(bytes)?;
        (decode_strict(WINDOWS_1252, bytes)?, "windows-1252")
    };
    if let Some(c) = raw.chars().find(|&c| is_binary_control(c)) {
        return Err(format!(
            "binary file: contains control character U+{:04X}",
            c as u32
        ));
    }
    Ok(RawDecoded {
        text: raw,
        encoding,
    })
}

/// Encodes text in the encoding [`decode_raw`] named, byte-order mark included: the
/// inverse of [`decode_raw`]. `None` when a character has no Windows-1252 byte.
pub fn encode_raw(text: &str, encoding: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 3);
    match encoding {
        "UTF-8 (BOM)" => {
            out.extend_from_slice(b"\xEF\xBB\xBF");
            out.extend_from_slice(text.as_bytes());
        }
        "UTF-16LE" | "UTF-16BE" => {
            let little = encoding == "UTF-16LE";
            out.extend_from_slice(if little { b"\xFF\xFE" } else { b"\xFE\xFF" });
            for unit in text.encode_utf16() {
                out.extend(if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
        }
        "windows-1252" => {
            let (bytes, _, unmappable) = WINDOWS_1252.encode(text);
            if unmappable {
                return None;
            }
            out.extend_from_slice(&bytes);
        }
        _ => out.extend_from_slice(text.as_bytes()),
    }
    Some(out)
}

fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| format!("not valid {} text", encoding.name()))
}

/// C0 control characters that do not occur in text files (tab, line ends and form feed do).
/// C1 controls are left alone: they turn up in mis-encoded (mojibake) text, which is still text.
fn is_binary_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0C')) || c == '\u{7F}'
}

/// Windows-1252 decodes every byte but five, so "is it Windows-1252" means "does it look
/// like text": no control bytes, no undefined bytes, and mostly ASCII.
fn check_plausible_windows_1252(bytes: &[u8]) -> Result<(), String> {
    const UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];
    if let Some(pos) = bytes.iter().position(|&b| {
        UNDEFINED.contains(&b)
            || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
            || b == 0x7F
    }) {
        return Err(format!(
            "neither UTF-8, UTF-16 nor Windows-1252 text (byte 0x{:02X} at offset {pos}); pass --encoding if you know it",
            bytes[pos]
        ));
    }
    let high = bytes.iter().filter(|&&b| b >= 0x80).count();
    if high * 5 > bytes.len() {
        return Err(format!(
            "neither UTF-8, UTF-16 nor plausible Windows-1252 text ({high} of {} bytes are non-ASCII)",
            bytes.len()
        ));
    }
    Ok(())
}

/// Line ends to `\n`, BOM characters removed, NFC normalisation.
pub fn normalise(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    unified.trim_start_matches('\u{FEFF}').nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_le_and_be_with_bom_decode() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in "Één\r\n".encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "Één\n");
        assert_eq!(decode(&be).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn windows_1252_is_decoded_when_not_utf8() {
        let d = decode(b"caf\xE9 \x80 5\r\n").unwrap();
        assert_eq!(d.text, "café € 5\n");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn raw_decoding_keeps_line_ends_and_encodes_back_to_the_same_bytes() {
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Één\r\nx".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        for bytes in [
            utf16,
            b"caf\xE9 kost \x80 5\r\n".to_vec(),
            b"\xEF\xBB\xBFe\xCC\x81\r".to_vec(),
            b"plain\n".to_vec(),
        ] {
            let raw = decode_raw(&bytes).unwrap();
            assert!(raw.text.contains('\r') || raw.text.ends_with('\n'));
            assert_eq!(encode_raw(&raw.text, raw.encoding).unwrap(), bytes);
        }
        assert_eq!(encode_raw("\u{4E2D}", "windows-1252"), None);
    }

    #[test]
    fn decomposed_text_is_composed() {
        let d = decode("e\u{301}en".as_bytes()).unwrap();
        assert_eq!(d.text, "éen");
    }

    #[test]
    fn binary_and_implausible_bytes_are_refused() {
        assert!(decode(b"").unwrap_err().contains("empty"));
        assert!(decode(b"PK\x03\x04\x00\x00").unwrap_err().contains("NUL"));
        assert!(decode(b"\x01\x02text").unwrap_err().contains("binary"));
        let noise: Vec<u8> = (0..200).map(|i| 0xA0 + (i % 90) as u8).collect();
        assert!(decode(&noise).unwrap_err().contains("plausible"));
    }
}
