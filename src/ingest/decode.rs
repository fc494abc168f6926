//! Turning a file's bytes into normalised text: BOM, strict UTF-8, UTF-16 with BOM, and
//! Windows-1252 when the bytes are plausible Windows-1252 text. A file that is UTF-8 but for a
//! few bytes (a Windows-1252 dash pasted into UTF-8 text) stays UTF-8: each such byte is read
//! as the Windows-1252 character it stands for (U+FFFD where it stands for none), with a
//! warning naming the lines and the count.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use unicode_normalization::UnicodeNormalization;

/// Decoded text and the name of the encoding it came from.
#[derive(Debug)]
pub struct Decoded {
    /// NFC-normalised text with `\n` line ends and no BOM.
    pub text: String,
    /// The encoding's name, e.g. `UTF-8`, `UTF-16LE`, `windows-1252`.
    pub encoding: &'static str,
    /// What was repaired, for the user.
    pub warnings: Vec<String>,
}

/// Decodes `bytes`; an error message says why the bytes are not text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let raw = decode_raw(bytes)?;
    Ok(Decoded {
        text: normalise(&raw.text),
        encoding: raw.encoding,
        warnings: raw.warnings,
    })
}

/// Decodes a transcript's bytes as [`decode`] does; with `strict`, a UTF-8 file with bytes
/// that are not UTF-8 is an error (the repair's warning says where they are) instead of
/// being repaired.
pub fn decode_input(bytes: &[u8], strict: bool) -> Result<Decoded, String> {
    let decoded = decode(bytes)?;
    if strict && decoded.encoding.ends_with("repaired)") {
        return Err(format!(
            "{} (--strict-encoding: the file is refused; without it the bytes are repaired)",
            decoded.warnings.join("; ")
        ));
    }
    Ok(decoded)
}

/// Text decoded as it stands in the file: line ends and composition untouched, only the
/// byte-order mark taken off (the encoding's name says whether there was one).
#[derive(Debug)]
pub struct RawDecoded {
    /// The text after the byte-order mark.
    pub text: String,
    /// The encoding's name, as in [`Decoded::encoding`].
    pub encoding: &'static str,
    /// What was repaired, for the user.
    pub warnings: Vec<String>,
}

/// Decodes `bytes` without normalising them, so that [`encode_raw`] gives the same bytes
/// back; an error message says why the bytes are not text.
pub fn decode_raw(bytes: &[u8]) -> Result<RawDecoded, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    let mut warnings = Vec::new();
    let (raw, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(text) => (text.to_owned(), "UTF-8 (BOM)"),
            Err(_) => {
                let (text, warning) = repair_utf8(rest);
                warnings.push(warning);
                (text, "UTF-8 (BOM, repaired)")
            }
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (decode_strict(UTF_16LE, rest)?, "UTF-16LE")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (decode_strict(UTF_16BE, rest)?, "UTF-16BE")
    } else if bytes.contains(&0) {
        return Err("binary file (or UTF-16 without a byte-order mark): contains NUL bytes".into());
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), "UTF-8")
    } else if mostly_utf8(bytes) {
        let (text, warning) = repair_utf8(bytes);
        warnings.push(warning);
        (text, "UTF-8 (repaired)")
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
        warnings,
    })
}

/// Whether bytes that are not valid UTF-8 are UTF-8 text with a few bad bytes: it holds
/// multi-byte UTF-8 characters, at least as many as bytes that are not UTF-8. (Windows-1252
/// text almost never forms a valid multi-byte sequence; UTF-8 text with one stray byte has
/// its accented letters.)
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multi_byte, mut invalid) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        multi_byte += chunk.valid().chars().filter(|c| c.len_utf8() > 1).count();
        invalid += chunk.invalid().len();
    }
    multi_byte > 0 && invalid <= multi_byte
}

/// Lines listed in the warning about repaired bytes.
const LISTED_LINES: usize = 10;

/// UTF-8 with each byte that is not UTF-8 read as its Windows-1252 character (U+FFFD for the
/// five bytes Windows-1252 leaves undefined), and the warning: how many bytes, on which lines.
fn repair_utf8(bytes: &[u8]) -> (String, String) {
    let mut text = String::with_capacity(bytes.len());
    let mut per_line: Vec<(usize, usize)> = Vec::new();
    let mut line = 1;
    let mut undefined = 0;
    let mut previous = 0u8;
    for chunk in bytes.utf8_chunks() {
        for &b in chunk.valid().as_bytes() {
            if b == b'\n' && previous != b'\r' || b == b'\r' {
                line += 1;
            }
            previous = b;
        }
        text.push_str(chunk.valid());
        for &b in chunk.invalid() {
            match WINDOWS_1252.decode_without_bom_handling_and_without_replacement(&[b]) {
                Some(c) => text.push_str(&c),
                None => {
                    text.push(char::REPLACEMENT_CHARACTER);
                    undefined += 1;
                }
            }
            match per_line.last_mut() {
                Some((l, n)) if *l == line => *n += 1,
                _ => per_line.push((line, 1)),
            }
            previous = b;
        }
    }
    let total: usize = per_line.iter().map(|(_, n)| n).sum();
    let mut lines: Vec<String> = per_line
        .iter()
        .take(LISTED_LINES)
        .map(|(l, n)| format!("line {l}: {n}"))
        .collect();
    if per_line.len() > LISTED_LINES {
        lines.push(format!("{} more lines", per_line.len() - LISTED_LINES));
    }
    let warning = format!(
        "{total} {} not UTF-8 ({}): {} read as the Windows-1252 character it stands for{}; the rest of the file is UTF-8",
        if total == 1 { "byte is" } else { "bytes are" },
        lines.join(", "),
        if total == 1 { "it is" } else { "each is" },
        if undefined > 0 {
            format!(" ({undefined} that stand for none replaced by U+FFFD)")
        } else {
            String::new()
        }
    );
    (text, warning)
}

/// Encodes text in the encoding [`decode_raw`] named, byte-order mark included: the
/// inverse of [`decode_raw`]. `None` when a character has no Windows-1252 byte.
pub fn encode_raw(text: &str, encoding: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 3);
    match encoding {
        "UTF-8 (BOM)" | "UTF-8 (BOM, repaired)" => {
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
    let unified = if raw.contains('\r') {
        raw.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        raw.to_owned()
    };
    let text = unified.trim_start_matches('\u{FEFF}');
    // Most text is NFC already: the quick check spares the normalisation pass.
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        if text.len() == unified.len() {
            return unified;
        }
        return text.to_owned();
    }
    text.nfc().collect()
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
    fn a_few_stray_bytes_leave_utf8_text_utf8() {
        // Every byte that cannot stand alone in UTF-8, dropped into UTF-8 text.
        for stray in 0x80..=0xFFu8 {
            let mut bytes = "Één keer geïnformeerd\nnog een regel\n".as_bytes().to_vec();
            bytes.extend([stray, b' ']);
            bytes.extend("klaar\n".as_bytes());
            let d = decode(&bytes).unwrap();
            assert!(
                d.text.starts_with("Één keer geïnformeerd\nnog een regel\n"),
                "0x{stray:02X}: {:?}",
                d.text
            );
            assert!(d.text.ends_with(" klaar\n"), "0x{stray:02X}");
            assert_eq!(
                d.text.chars().count(),
                44,
                "0x{stray:02X}: one character for the byte"
            );
            assert_eq!(d.encoding, "UTF-8 (repaired)");
            assert_eq!(d.warnings.len(), 1, "0x{stray:02X}");
            assert!(
                d.warnings[0].starts_with("1 byte is not UTF-8 (line 3: 1)"),
                "{:?}",
                d.warnings
            );
        }
        // The usual cause, a Windows-1252 dash pasted into UTF-8 text, is repaired.
        let d =
            decode(b"\xC3\x89\xC3\xA9n\n12 \x96 14 uur\nge\xC3\xAFnformeerd \x93ja\x94\n").unwrap();
        assert_eq!(d.text, "Één\n12 – 14 uur\ngeïnformeerd “ja”\n");
        assert_eq!(
            d.warnings,
            [
                "3 bytes are not UTF-8 (line 2: 1, line 3: 2): each is read as the Windows-1252 character it stands for; the rest of the file is UTF-8"
            ]
        );
        // With a byte-order mark the file is UTF-8 all the more.
        let d = decode(b"\xEF\xBB\xBFcaf\xC3\xA9 \x96 ok\n").unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("café – ok\n", "UTF-8 (BOM, repaired)")
        );
        // Valid UTF-8 and plain Windows-1252 are read as before, without a warning.
        assert!(decode("Één".as_bytes()).unwrap().warnings.is_empty());
        assert!(
            decode(b"caf\xE9 \x96 om vijf uur\n")
                .unwrap()
                .warnings
                .is_empty()
        );
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
