//! Turn-level derivations: codes that follow from other codings of the same turn
//! (`from = [...]` rules), such as ambivalence when a welcome and a worry about the same
//! contact stand together. A derived coding sits on the first coding it came from and
//! names all of them in `matched`.

use super::{Coding, CompiledRule, Turn, applies};
use crate::codebook::{Codebook, RuleKind};

/// The rule that made a coding, without the note of what recoded it.
fn rule_name(coding: &Coding) -> &str {
    coding
        .rule
        .split_once(" (")
        .map_or(coding.rule.as_str(), |(name, _)| name)
}

/// Whether a coding meets a `from` alternative: a code id (the coding's code or below it)
/// or a rule name (the rule that made it, whatever it was recoded to). A cue meets only its
/// rule name.
fn meets((coding, cue): &(Coding, bool), alternative: &str) -> bool {
    rule_name(coding) == alternative || (!cue && Codebook::is_within(&coding.code, alternative))
}

/// Adds the derived codings of a turn to its codings (each marked whether it is a cue),
/// rule by rule in codebook order, so a derived code can feed a later derivation.
pub(super) fn derive(
    rules: &[CompiledRule<'_>],
    turn: &Turn<'_>,
    language: &str,
    out: &mut Vec<(Coding, bool)>,
) {
    let Some((segment, _)) = turn.segments.first() else {
        return;
    };
    for compiled in rules {
        let RuleKind::Derived { from, not_from } = &compiled.rule.kind else {
            continue;
        };
        if !applies(compiled.rule, segment, language) {
            continue;
        }
        let mut codings: Vec<&(Coding, bool)> = out.iter().collect();
        codings.sort();
        if out.iter().any(|(c, cue)| !cue && c.code == compiled.code)
            || codings
                .iter()
                .any(|c| not_from.iter().any(|alt| meets(c, alt)))
        {
            continue;
        }
        let sources: Option<Vec<&(Coding, bool)>> = from
            .iter()
            .map(|alternatives| {
                codings
                    .iter()
                    .copied()
                    .find(|c| alternatives.iter().any(|alt| meets(c, alt)))
            })
            .collect();
        let Some(mut sources) = sources else {
            continue;
        };
        let matched = sources
            .iter()
            .map(|(c, cue)| {
                format!(
                    "{}: {}",
                    if *cue { rule_name(c) } else { &c.code },
                    c.matched
                )
            })
            .collect::<Vec<_>>()
            .join(" + ");
        sources.sort();
        let anchor = &sources[0].0;
        let derived = Coding {
            segment: anchor.segment,
            start: anchor.start,
            end: anchor.end,
            code: compiled.code.to_owned(),
            rule: compiled.rule.name.clone(),
            matched,
        };
        out.push((derived, false));
    }
}
