//! `thema sample`: a reproducible, optionally stratified sample of documents for double coding.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::report::MISSING;
use crate::corpus::{Document, Role};
use crate::output::{Table, Value};
use crate::{Error, Result};

/// Picks `fraction` of the documents (at least one per stratum), per value of `by` when
/// given; the same seed and documents give the same sample. Returns document indexes in
/// document order with their stratum.
pub fn sample_documents(
    documents: &[Document],
    fraction: f64,
    seed: u64,
    by: Option<&str>,
) -> Result<Vec<(usize, String)>> {
    if !(fraction > 0.0 && fraction <= 1.0) {
        return Err(Error::Usage(format!(
            "--fraction must be above 0 and at most 1, got {fraction}"
        )));
    }
    let mut strata: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, doc) in documents.iter().enumerate() {
        let stratum = by.map_or_else(String::new, |a| {
            doc.attributes
                .get(a)
                .cloned()
                .unwrap_or_else(|| MISSING.to_owned())
        });
        strata.entry(stratum).or_default().push(i);
    }
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut chosen = Vec::new();
    for (stratum, mut members) in strata {
        members.sort_by(|&a, &b| documents[a].id.cmp(&documents[b].id));
        for i in (1..members.len()).rev() {
            let j = rng.random_range(0..=i);
            members.swap(i, j);
        }
        let take = ((members.len() as f64 * fraction).ceil() as usize).clamp(1, members.len());
        chosen.extend(members.into_iter().take(take).map(|m| (m, stratum.clone())));
    }
    chosen.sort_unstable();
    Ok(chosen)
}

/// The sample list: document, stratum, file.
pub fn sample_list(documents: &[Document], sample: &[(usize, String)]) -> Table {
    let mut table = Table::new(crate::columns::SAMPLE_LIST);
    for (i, stratum) in sample {
        table.rows.push(vec![
            documents[*i].id.clone().into(),
            stratum.clone().into(),
            documents[*i].path.display().to_string().into(),
        ]);
    }
    table
}

/// A blank coding sheet: one row per respondent segment of the sampled documents, with an
/// empty `code` column for the coder (add rows for more codes per segment). `thema agree`
/// reads it back by document, turn and paragraph.
pub fn coding_sheet(documents: &[Document], sample: &[(usize, String)]) -> Table {
    let mut table = Table::new(crate::columns::CODING_SHEET);
    for (i, _) in sample {
        let doc = &documents[*i];
        for s in doc.segments.iter().filter(|s| s.role == Role::Respondent) {
            table.rows.push(vec![
                doc.id.clone().into(),
                s.turn.into(),
                s.paragraph.into(),
                s.speaker.clone().into(),
                s.text.clone().into(),
                Value::Text(String::new()),
                Value::Text(String::new()),
            ]);
        }
    }
    table
}
