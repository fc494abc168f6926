//! Symbol fonts: the character a `w:sym` shows, for the Symbol and Wingdings fonts'
//! private-use codes.

/// The character of a `w:sym`: symbol fonts map their private-use codes to what they show.
pub(super) fn sym_char(font: Option<&str>, code: Option<&str>) -> Option<char> {
    let mut code = u32::from_str_radix(code?.trim(), 16).ok()?;
    if (0xF000..=0xF0FF).contains(&code) {
        code -= 0xF000;
    }
    let font = font.unwrap_or("").trim().to_ascii_lowercase();
    if font == "symbol" {
        return symbol_font(code);
    }
    if font.starts_with("wingdings") {
        return match code {
            0x4A => Some('☺'),
            0x4C => Some('☹'),
            0x6C | 0x9F => Some('•'),
            0xA7 => Some('▪'),
            0xD8 => Some('➢'),
            0xE0 | 0xE8 => Some('→'),
            0xFB => Some('✗'),
            0xFC => Some('✓'),
            0xFE => Some('☑'),
            _ => None,
        };
    }
    if font.starts_with("webdings") || font.starts_with("zapf") || font == "marlett" {
        return None;
    }
    char::from_u32(code).filter(|c| !c.is_control())
}

/// The Symbol font's encoding (Greek letters and mathematical signs).
fn symbol_font(code: u32) -> Option<char> {
    const UPPER: &str = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    const LOWER: &str = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    let c = char::from_u32(code)?;
    Some(match code {
        0x41..=0x5A => UPPER.chars().nth((code - 0x41) as usize)?,
        0x61..=0x7A => LOWER.chars().nth((code - 0x61) as usize)?,
        0x22 => '∀',
        0x24 => '∃',
        0x27 => '∋',
        0x2A => '∗',
        0x2D => '−',
        0x40 => '≅',
        0x5C => '∴',
        0x5E => '⊥',
        0x7E => '∼',
        0xA2 => '′',
        0xA3 => '≤',
        0xA5 => '∞',
        0xA7 => '♣',
        0xA8 => '♦',
        0xA9 => '♥',
        0xAA => '♠',
        0xAB => '↔',
        0xAC => '←',
        0xAD => '↑',
        0xAE => '→',
        0xAF => '↓',
        0xB0 => '°',
        0xB1 => '±',
        0xB2 => '″',
        0xB3 => '≥',
        0xB4 => '×',
        0xB5 => '∝',
        0xB6 => '∂',
        0xB7 => '•',
        0xB8 => '÷',
        0xB9 => '≠',
        0xBA => '≡',
        0xBB => '≈',
        0xBC => '…',
        0xD2 | 0xE2 => '®',
        0xD3 | 0xE3 => '©',
        0xD4 | 0xE4 => '™',
        0xD6 => '√',
        0xD7 => '⋅',
        0xD8 => '¬',
        0xE5 => '∑',
        0xF2 => '∫',
        0x20..=0x3F | 0x5B | 0x5D | 0x5F | 0x7B..=0x7D => c,
        _ => return None,
    })
}
