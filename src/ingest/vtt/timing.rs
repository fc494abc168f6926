//! Times and cue timing lines (`start --> end settings`): the strict WebVTT and SubRip
//! forms, the sloppy ones read anyway, and the one warning about the sloppy ones.

use super::Warnings;

/// The cue timing arrow.
pub(in crate::ingest) const ARROW: &str = "-->";

/// A time read from a cue timing line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::ingest) struct Time {
    /// Milliseconds from the start.
    pub ms: u64,
    /// Written the strict WebVTT way: `mm:ss.mmm` or `hh:mm:ss.mmm`, two-digit minutes and
    /// seconds, hours of two or more digits.
    pub vtt_form: bool,
    /// Written the strict SubRip way: `hh:mm:ss,mmm`.
    pub srt_form: bool,
}

/// Reads a time at the start of `s`: `[h:]m:s[(.|,)fraction]`, where minutes and seconds
/// have one or two digits (minutes any number when there are no hours) and the fraction is
/// a decimal fraction of a second. Returns the time and the number of bytes read.
pub(super) fn parse_time(s: &str) -> Option<(Time, usize)> {
    let b = s.as_bytes();
    let digits_from = |from: usize| {
        let mut end = from;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        end
    };
    let mut fields: Vec<&str> = Vec::with_capacity(3);
    let mut pos = 0;
    loop {
        let end = digits_from(pos);
        if end == pos || end - pos > 9 {
            return None;
        }
        fields.push(&s[pos..end]);
        pos = end;
        if fields.len() < 3
            && b.get(pos) == Some(&b':')
            && b.get(pos + 1).is_some_and(u8::is_ascii_digit)
        {
            pos += 1;
        } else {
            break;
        }
    }
    let mut separator = None;
    let mut fraction = "";
    if let Some(&sep) = b.get(pos).filter(|&&c| c == b'.' || c == b',') {
        let end = digits_from(pos + 1);
        if end > pos + 1 {
            if end - pos - 1 > 9 {
                return None;
            }
            separator = Some(sep);
            fraction = &s[pos + 1..end];
            pos = end;
        }
    }
    let number = |f: &str| f.parse::<u64>().ok();
    let (hours, minutes, seconds) = match fields[..] {
        [h, m, s] if m.len() <= 2 && s.len() <= 2 => (number(h)?, number(m)?, number(s)?),
        [m, s] if s.len() <= 2 => (0, number(m)?, number(s)?),
        _ => return None,
    };
    if seconds > 59 || (fields.len() == 3 && minutes > 59) {
        return None;
    }
    let millis = if fraction.is_empty() {
        0
    } else {
        let head: String = fraction.chars().chain("00".chars()).take(3).collect();
        number(&head)?
    };
    let ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
    let two_digit = |f: &str| f.len() == 2;
    let padded = match fields[..] {
        [h, m, s] => h.len() >= 2 && two_digit(m) && two_digit(s),
        [m, s] => two_digit(m) && two_digit(s) && minutes < 60,
        _ => false,
    };
    let time = Time {
        ms,
        vtt_form: padded && separator == Some(b'.') && fraction.len() == 3,
        srt_form: padded
            && fields.len() == 3
            && fields[0].len() == 2
            && separator == Some(b',')
            && fraction.len() == 3,
    };
    Some((time, pos))
}

/// Formats milliseconds as `hh:mm:ss.mmm` (more hour digits when needed).
pub(super) fn format_ms(ms: u64) -> String {
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}.{f:03}")
}

/// A cue timing line read: start, end, and the raw text of each time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Timing {
    pub start: Time,
    pub end: Time,
    pub raw: [String; 2],
}

/// Reads `start --> end [settings]`. Extra dashes before the arrow (`--->`) are forgiven,
/// white space around the arrow is optional, and anything after the end time that does not
/// continue it (cue settings, SubRip coordinates) is ignored.
pub(super) fn parse_timing(line: &str) -> Option<Timing> {
    let line = line.trim();
    let (left, right) = match line.find(ARROW) {
        Some(p) => (&line[..p], &line[p + ARROW.len()..]),
        None => {
            // Only for lines that `is_arrowless_timing` accepted: `start end`.
            let split = line.find(char::is_whitespace)?;
            (&line[..split], &line[split..])
        }
    };
    let left = left.trim_end().trim_end_matches('-').trim();
    let (start, used) = parse_time(left)?;
    if used != left.len() {
        return None;
    }
    let right = right.trim_start();
    let (end, used) = parse_time(right)?;
    if right[used..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | ',' | '-' | '>'))
    {
        return None;
    }
    Some(Timing {
        start,
        end,
        raw: [left.to_owned(), right[..used].to_owned()],
    })
}

/// A line of two times with no arrow (`00:01.000 00:02.000`) at the start of a block.
pub(super) fn is_arrowless_timing(line: &str) -> bool {
    let line = line.trim();
    let Some((_, used)) = parse_time(line) else {
        return false;
    };
    let rest = &line[used..];
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let rest = rest.trim_start();
    parse_time(rest).is_some_and(|(_, used)| rest[used..].trim().is_empty())
}

/// A line that starts like a timing line but stops (`00:00:03.0`, `00:00:03.000 -`): the
/// end of a file cut short.
pub(super) fn is_cut_timing(line: &str) -> bool {
    let line = line.trim();
    parse_time(line).is_some_and(|(_, used)| {
        let rest = line[used..].trim_start();
        rest.is_empty() || rest.starts_with('-')
    })
}

/// Aggregates timing lines whose times are not in the format's strict form into one
/// warning about the first, with a count of the others.
pub(in crate::ingest) struct SloppyTimes {
    format: &'static str,
    form: &'static str,
    first: Option<(usize, String, u64)>,
    count: usize,
}

impl SloppyTimes {
    pub(in crate::ingest) fn new(format: &'static str, form: &'static str) -> Self {
        SloppyTimes {
            format,
            form,
            first: None,
            count: 0,
        }
    }

    pub(super) fn note(&mut self, line: usize, raw: &str, ms: u64) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((line, raw.to_owned(), ms));
        }
    }

    pub(in crate::ingest) fn report(&self, warnings: &mut Warnings) {
        if let Some((line, raw, ms)) = &self.first {
            let more = match self.count - 1 {
                0 => String::new(),
                1 => "; so is 1 more cue timing".to_owned(),
                n => format!("; so are {n} more cue timings"),
            };
            warnings.add(
                *line,
                format!(
                    "time `{raw}` is not in {} form `{}`; read as {}{more}",
                    self.format,
                    self.form,
                    format_ms(*ms)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::markup::decode_entities;
    use super::super::tests::parse_ok;
    use super::*;

    #[test]
    fn sloppy_times_are_read_with_one_warning() {
        let text = "WEBVTT\n\n0:0:3.540 --> 0:0:5,2\nEen\n\n00:06 --> 00:07\nTwee\n\n\
                    01:02:03.000 --> 75:30.000\nDrie\n\n00:00:08.000 --> 00:00:09.000\nVier\n";
        let parsed = parse_ok(text);
        let times: Vec<_> = parsed
            .cues
            .iter()
            .map(|c| (c.start.clone().unwrap(), c.end.clone().unwrap()))
            .collect();
        let t = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            times,
            [
                t("00:00:03.540", "00:00:05.200"),
                t("00:00:06.000", "00:00:07.000"),
                t("01:02:03.000", "01:15:30.000"),
                t("00:00:08.000", "00:00:09.000"),
            ]
        );
        assert_eq!(
            parsed.warnings,
            [
                "line 3: time `0:0:3.540` is not in WebVTT form `hh:mm:ss.mmm`; read as 00:00:03.540; so are 4 more cue timings"
            ]
        );
    }

    #[test]
    fn bad_timestamps_keep_the_text_without_times() {
        let text = "WEBVTT\n\n00:01:xx.000 --> 00:01:05.000\nEen\n\n\
                    00:00:75.000 --> 00:01:00.000\nTwee\n\n\
                    garbage --> more garbage\nDrie\n\n\
                    00:00:09.000 --> 00:00:08.000\nVier\n\n\
                    -->\nVijf\n";
        let parsed = parse_ok(text);
        let got: Vec<(Option<&str>, &str)> = parsed
            .cues
            .iter()
            .map(|c| (c.start.as_deref(), c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (None, "Een"),
                (None, "Twee"),
                (None, "Drie"),
                (Some("00:00:09.000"), "Vier"),
                (None, "Vijf"),
            ]
        );
        assert_eq!(
            parsed.warnings,
            [
                "line 3: cue timing `00:01:xx.000 --> 00:01:05.000` cannot be read; cue text kept without times",
                "line 6: cue timing `00:00:75.000 --> 00:01:00.000` cannot be read; cue text kept without times",
                "line 9: cue timing `garbage --> more garbage` cannot be read; cue text kept without times",
                "line 12: cue ends at 00:00:08.000 before it starts at 00:00:09.000",
                "line 15: cue timing `-->` cannot be read; cue text kept without times",
            ]
        );
    }

    #[test]
    fn time_parser_edges() {
        let ms = |s: &str| parse_time(s).map(|(t, used)| (t.ms, used));
        assert_eq!(ms("00:01.000"), Some((1000, 9)));
        assert_eq!(ms("1:02:03.4"), Some((3_723_400, 9)));
        assert_eq!(ms("00:00:01,5"), Some((1500, 10)));
        assert_eq!(ms("00:00:01.12345"), Some((1123, 14)));
        assert_eq!(ms("00:60.000"), None);
        assert_eq!(ms("00:61:00.000"), None);
        assert_eq!(ms("99999999999:00.000"), None);
        assert_eq!(ms("12"), None);
        assert_eq!(ms(":12"), None);
        assert_eq!(ms("00:01:02:03"), Some((62_000, 8)));
        assert!(parse_time("00:00:01.000").unwrap().0.vtt_form);
        assert!(parse_time("00:00:01,000").unwrap().0.srt_form);
        assert!(!parse_time("0:00:01.000").unwrap().0.vtt_form);
        assert_eq!(format_ms(432_000_000), "120:00:00.000");
        assert_eq!(
            decode_entities("&amp;amp; &#0; &#xZZ; &#1114112; a&b"),
            "&amp; &#0; &#xZZ; &#1114112; a&b"
        );
    }
}
