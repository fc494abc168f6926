//! Learning codes from human codings: per code a logistic regression on the features of
//! respondent turns ([`features`]), cross-validated by document, saved as a readable JSON
//! model, and applied next to the codebook's rules.

pub mod features;
pub mod logistic;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::codebook::Codebook;
use crate::corpus::Document;
use crate::engine::Coding;
use crate::ingest::human::HumanCoding;
use crate::output::{Table, Value};
use crate::{Error, Result};
use features::Unit;
use logistic::{Classifier, Settings};

/// The model file format version.
pub const MODEL_VERSION: u32 = 1;
/// A feature must occur in this many training turns to be used.
pub const MIN_FEATURE_COUNT: usize = 2;
/// Fewer positive turns than this and a code is not learned.
pub const MIN_POSITIVES: usize = 8;
/// The `rule` column of a model's codings.
pub const MODEL_RULE: &str = "model";
/// Class weight cap: a rare code's positives weigh at most this much more than negatives.
const MAX_POSITIVE_WEIGHT: f64 = 10.0;
/// Features shown as the `matched` words of a model coding.
const SHOWN_FEATURES: usize = 3;

/// A document the model was trained on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainingDocument {
    /// Its id.
    pub id: String,
    /// SHA-256 of its text.
    pub sha256: String,
}

/// One code's classifier.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CodeModel {
    /// The code id.
    pub code: String,
    /// Training turns with the code.
    pub positives: usize,
    /// The probability from which the model gives the code (chosen on the cross-validated
    /// scores); `None` when the code had too few examples to be learned.
    pub threshold: Option<f64>,
    /// The intercept.
    pub bias: f64,
    /// Feature → weight, for the features with a weight.
    pub weights: BTreeMap<String, f64>,
}

/// A learned model: what it was trained on and per code its classifier.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Model {
    /// [`MODEL_VERSION`].
    pub thema_model: u32,
    /// The codebook's name and version.
    pub codebook: String,
    /// SHA-256 of the codebook file (or of the embedded codebook).
    pub codebook_sha256: String,
    /// What the features are.
    pub features: String,
    /// The documents trained on.
    pub documents: Vec<TrainingDocument>,
    /// Turns trained on.
    pub units: usize,
    /// Per code.
    pub codes: Vec<CodeModel>,
}

/// The SHA-256 the model records for a codebook.
pub fn codebook_hash(codebook: &Codebook) -> Result<String> {
    Ok(
        crate::html::provenance::Provenance::collect(codebook, &[], &[], &[], false)?
            .codebook
            .sha256,
    )
}

/// The training data: respondent turns of the coded documents and their codes.
pub struct TrainingSet {
    /// The turns of the documents a human coder coded.
    pub units: Vec<Unit>,
    /// (unit index, code) of every code the coders gave a turn.
    pub labels: BTreeSet<(usize, String)>,
    /// The codes to learn (every leaf code of the codebook, in codebook order).
    pub codes: Vec<String>,
}

impl TrainingSet {
    /// The turns of the documents in `human` and their codes: with several coders on a
    /// document, a turn has a code when more than half of them gave it.
    pub fn new(
        documents: &[Document],
        rule_codings: &[Vec<Coding>],
        human: &[HumanCoding],
        codebook: &Codebook,
    ) -> TrainingSet {
        let mut coders: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
        let mut votes: BTreeMap<(usize, usize, &str), BTreeSet<&str>> = BTreeMap::new();
        for c in human {
            coders.entry(c.document).or_default().insert(&c.coder);
            let Some(code) = &c.code else { continue };
            for &s in &c.segments {
                let turn = documents[c.document].segments[s - 1].turn;
                votes
                    .entry((c.document, turn, code))
                    .or_default()
                    .insert(&c.coder);
            }
        }
        let mut units = Vec::new();
        for &d in coders.keys() {
            units.extend(features::units(d, &documents[d], &rule_codings[d]));
        }
        let position: BTreeMap<(usize, usize), usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| ((u.document, u.turn), i))
            .collect();
        let labels = votes
            .into_iter()
            .filter(|((d, _, _), who)| who.len() * 2 > coders[d].len())
            .filter_map(|((d, turn, code), _)| {
                position.get(&(d, turn)).map(|&i| (i, code.to_owned()))
            })
            .collect();
        // The leaf codes: those no other code lies below.
        let codes = codebook
            .codes
            .iter()
            .filter(|c| {
                !codebook
                    .codes
                    .iter()
                    .any(|o| o.id != c.id && Codebook::is_within(&o.id, &c.id))
            })
            .map(|c| c.id.clone())
            .collect();
        TrainingSet {
            units,
            labels,
            codes,
        }
    }

    fn has(&self, unit: usize, code: &str) -> bool {
        self.labels.contains(&(unit, code.to_owned()))
    }
}

/// Feature names used (in at least [`MIN_FEATURE_COUNT`] of `units`), sorted, with their index.
fn vocabulary<'u>(units: impl Iterator<Item = &'u Unit>) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for u in units {
        for f in &u.features {
            *counts.entry(f).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= MIN_FEATURE_COUNT)
        .enumerate()
        .map(|(i, (f, _))| (f.to_owned(), i))
        .collect()
}

fn encode(unit: &Unit, vocabulary: &BTreeMap<String, usize>) -> Vec<usize> {
    unit.features
        .iter()
        .filter_map(|f| vocabulary.get(f).copied())
        .collect()
}

/// Trains one classifier per code on the units at `train` (indices into the set).
fn fit(set: &TrainingSet, train: &[usize]) -> (BTreeMap<String, usize>, Vec<Classifier>) {
    let vocabulary = vocabulary(train.iter().map(|&i| &set.units[i]));
    let examples: Vec<Vec<usize>> = train
        .iter()
        .map(|&i| encode(&set.units[i], &vocabulary))
        .collect();
    let classifiers = set
        .codes
        .iter()
        .map(|code| {
            let labels: Vec<bool> = train.iter().map(|&i| set.has(i, code)).collect();
            let positives = labels.iter().filter(|&&y| y).count();
            let negatives = labels.len() - positives;
            let weight = if positives == 0 {
                1.0
            } else {
                (negatives as f64 / positives as f64).clamp(1.0, MAX_POSITIVE_WEIGHT)
            };
            logistic::train(
                &examples,
                &labels,
                vocabulary.len(),
                weight,
                Settings::default(),
            )
        })
        .collect();
    (vocabulary, classifiers)
}

/// Per-code cross-validated results.
#[derive(Debug, Clone)]
pub struct CodeScore {
    /// The code.
    pub code: String,
    /// Training turns with the code.
    pub positives: usize,
    /// The threshold chosen on the out-of-fold scores; `None` when the model is not used for
    /// the code (see [`CodeScore::note`]).
    pub threshold: Option<f64>,
    /// (tp, fp, fn) of the rules alone.
    pub rules: (usize, usize, usize),
    /// (tp, fp, fn) of the out-of-fold model predictions alone at the threshold.
    pub model: (usize, usize, usize),
    /// (tp, fp, fn) of rules and model together (a turn has the code when either gives it).
    pub combined: (usize, usize, usize),
    /// Why the model is not used for the code, if it is not.
    pub note: String,
}

/// F1 of (tp, fp, fn); 0 without true positives.
fn f1((tp, fp, fn_): (usize, usize, usize)) -> f64 {
    if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
    }
}

/// (tp, fp, fn) of predictions against labels.
fn confusion(pairs: impl Iterator<Item = (bool, bool)>) -> (usize, usize, usize) {
    pairs.fold((0, 0, 0), |(tp, fp, fn_), (predicted, actual)| {
        (
            tp + usize::from(predicted && actual),
            fp + usize::from(predicted && !actual),
            fn_ + usize::from(!predicted && actual),
        )
    })
}

/// The folds of a cross-validation by document: document → fold, from a seeded shuffle.
fn folds(set: &TrainingSet, k: usize, seed: u64) -> BTreeMap<usize, usize> {
    let mut documents: Vec<usize> = set
        .units
        .iter()
        .map(|u| u.document)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    for i in (1..documents.len()).rev() {
        documents.swap(i, rng.random_range(0..=i));
    }
    documents
        .into_iter()
        .enumerate()
        .map(|(i, d)| (d, i % k))
        .collect()
}

/// The threshold over a fixed grid at which rules and model together (a turn has the code
/// when a rule gives it or the model's probability reaches the threshold) score the best F1
/// on `scores` (probability, rule hit, label): the threshold is chosen for the combination
/// that is used, not for the model alone. Ties go to the higher threshold (fewer codings).
fn best_threshold(scores: &[(f64, bool, bool)]) -> f64 {
    let mut best = (0.5, -1.0);
    for step in (2..=19).rev() {
        let t = f64::from(step) * 0.05;
        let f = f1(confusion(scores.iter().map(|&(p, r, y)| (r || p >= t, y))));
        if f > best.1 {
            best = (t, f);
        }
    }
    best.0
}

/// Cross-validates by document with `k` folds (at most one fold per document) and returns
/// per code the threshold chosen and the out-of-fold counts at it.
pub fn cross_validate(set: &TrainingSet, k: usize, seed: u64) -> Result<Vec<CodeScore>> {
    let fold_of = folds(set, k, seed);
    let k = k.min(fold_of.len());
    if k < 2 {
        return Err(Error::Usage(format!(
            "cross-validation needs at least 2 coded documents; the codings cover {}",
            fold_of.len()
        )));
    }
    let mut scores: Vec<Vec<(f64, bool, bool)>> = vec![Vec::new(); set.codes.len()];
    for fold in 0..k {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..set.units.len()).partition(|&i| fold_of[&set.units[i].document] == fold);
        let (vocabulary, classifiers) = fit(set, &train);
        for &i in &test {
            let active = encode(&set.units[i], &vocabulary);
            for (c, classifier) in classifiers.iter().enumerate() {
                let code = &set.codes[c];
                let rule_hit = set.units[i].features.contains(&format!("r:{code}"));
                scores[c].push((classifier.probability(&active), rule_hit, set.has(i, code)));
            }
        }
    }
    Ok(set
        .codes
        .iter()
        .zip(scores)
        .map(|(code, scores)| {
            let positives = scores.iter().filter(|s| s.2).count();
            let t = best_threshold(&scores);
            let rules = confusion(scores.iter().map(|&(_, r, y)| (r, y)));
            let model = confusion(scores.iter().map(|&(p, _, y)| (p >= t, y)));
            let combined = confusion(scores.iter().map(|&(p, r, y)| (r || p >= t, y)));
            let note = if positives < MIN_POSITIVES {
                format!("too few examples to learn (fewer than {MIN_POSITIVES})")
            } else if f1(combined) <= f1(rules) {
                "not used: it does not beat the rules alone".to_owned()
            } else {
                String::new()
            };
            CodeScore {
                code: code.clone(),
                positives,
                threshold: note.is_empty().then_some(t),
                rules,
                model,
                combined,
                note,
            }
        })
        .collect())
}

/// The cross-validation table: per code positives, the F1 of the rules, of the model and of
/// both together (out of fold), precision and recall of both together, the threshold and a
/// note; then the macro averages.
pub fn cv_table(scores: &[CodeScore]) -> Table {
    let mut table = Table::new([
        "code",
        "positives",
        "rules f1",
        "model f1",
        "threshold",
        "combined precision",
        "combined recall",
        "combined f1",
        "note",
    ]);
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            Value::Text(String::new())
        } else {
            Value::Float(a as f64 / b as f64, 3)
        }
    };
    // The combination as used: the model only where it is used.
    let used = |s: &CodeScore| {
        if s.threshold.is_some() {
            s.combined
        } else {
            s.rules
        }
    };
    for s in scores {
        let (tp, fp, fn_) = used(s);
        table.rows.push(vec![
            s.code.clone().into(),
            s.positives.into(),
            Value::Float(f1(s.rules), 3),
            Value::Float(f1(s.model), 3),
            s.threshold
                .map_or(Value::Text(String::new()), |t| Value::Float(t, 2)),
            ratio(tp, tp + fp),
            ratio(tp, tp + fn_),
            Value::Float(f1((tp, fp, fn_)), 3),
            s.note.clone().into(),
        ]);
    }
    let with_positives: Vec<&CodeScore> = scores.iter().filter(|s| s.positives > 0).collect();
    if !with_positives.is_empty() {
        let mean = |f: &dyn Fn(&CodeScore) -> f64| {
            Value::Float(
                with_positives.iter().map(|s| f(s)).sum::<f64>() / with_positives.len() as f64,
                3,
            )
        };
        let blank = || Value::Text(String::new());
        table.rows.push(vec![
            "(macro average)".into(),
            blank(),
            mean(&|s| f1(s.rules)),
            mean(&|s| f1(s.model)),
            blank(),
            blank(),
            blank(),
            mean(&|s| f1(used(s))),
            blank(),
        ]);
    }
    table
}

impl Model {
    /// Trains on the whole set with the thresholds `scores` chose.
    pub fn train(
        set: &TrainingSet,
        scores: &[CodeScore],
        codebook: &Codebook,
        documents: &[Document],
    ) -> Result<Model> {
        let all: Vec<usize> = (0..set.units.len()).collect();
        let (vocabulary, classifiers) = fit(set, &all);
        let names: Vec<&String> = vocabulary.keys().collect();
        let codes = scores
            .iter()
            .zip(classifiers)
            .map(|(score, classifier)| CodeModel {
                code: score.code.clone(),
                positives: score.positives,
                threshold: score.threshold,
                bias: round(classifier.bias),
                weights: classifier
                    .weights
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (names[i].clone(), round(*w)))
                    .filter(|(_, w)| *w != 0.0)
                    .collect(),
            })
            .collect();
        let trained: BTreeSet<usize> = set.units.iter().map(|u| u.document).collect();
        Ok(Model {
            thema_model: MODEL_VERSION,
            codebook: format!("{} {}", codebook.name, codebook.version),
            codebook_sha256: codebook_hash(codebook)?,
            features: "respondent turns: lemmas (w:), lemma bigrams (b:), lemmas of the interviewer's question (q:), the codebook's rule hits (r:), the language (lang:)".into(),
            documents: trained
                .into_iter()
                .map(|d| TrainingDocument {
                    id: documents[d].id.clone(),
                    sha256: crate::html::provenance::sha256(documents[d].text.as_bytes()),
                })
                .collect(),
            units: set.units.len(),
            codes,
        })
    }

    /// The model as pretty JSON with a final line end.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a model serialises");
        text.push('\n');
        text
    }

    /// Reads a model file and checks that it was trained with `codebook`.
    pub fn read(path: &Path, codebook: &Codebook) -> Result<Model> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::input(path, e.to_string()))?;
        let model: Model = serde_json::from_str(&text).map_err(|e| {
            Error::input_line(path, e.line(), format!("not a thema model file: {e}"))
        })?;
        if model.thema_model != MODEL_VERSION {
            return Err(Error::input(
                path,
                format!(
                    "model format {} (this thema reads format {MODEL_VERSION})",
                    model.thema_model
                ),
            ));
        }
        let hash = codebook_hash(codebook)?;
        if model.codebook_sha256 != hash {
            return Err(Error::input(
                path,
                format!(
                    "the model was trained with another codebook ({}, SHA-256 {}…) than this run uses ({} {}, SHA-256 {}…): learn it again with this codebook",
                    model.codebook,
                    &model.codebook_sha256[..12.min(model.codebook_sha256.len())],
                    codebook.name,
                    codebook.version,
                    &hash[..12]
                ),
            ));
        }
        for c in &model.codes {
            if codebook.code(&c.code).is_none() {
                return Err(Error::input(
                    path,
                    format!("the model has a code `{}` the codebook lacks", c.code),
                ));
            }
        }
        Ok(model)
    }

    /// Every (turn, code) the model scores in `document` (given its rule codings): the learned
    /// codes the rules did not give the turn, with the probability.
    pub fn scores(&self, index: usize, document: &Document, rules: &[Coding]) -> Vec<TurnScore> {
        let mut out = Vec::new();
        for unit in features::units(index, document, rules) {
            let turn_codes: BTreeSet<&str> = rules
                .iter()
                .filter(|c| document.segments[c.segment - 1].turn == unit.turn)
                .map(|c| c.code.as_str())
                .collect();
            for (c, threshold) in self
                .codes
                .iter()
                .filter_map(|c| c.threshold.map(|t| (c, t)))
                .filter(|(c, _)| !turn_codes.contains(c.code.as_str()))
            {
                let z = c.bias
                    + unit
                        .features
                        .iter()
                        .filter_map(|f| c.weights.get(f))
                        .sum::<f64>();
                out.push(TurnScore {
                    turn: unit.turn,
                    first_segment: unit.first_segment,
                    code: c.code.clone(),
                    probability: 1.0 / (1.0 + (-z).exp()),
                    threshold,
                    matched: strongest(&unit, &c.weights),
                });
            }
        }
        out
    }

    /// The model's codings of `document` (given its rule codings), one per respondent turn
    /// and code the model gives, on the turn's first segment, where the rules did not give
    /// that code in the turn already.
    pub fn code(&self, index: usize, document: &Document, rules: &[Coding]) -> Vec<Coding> {
        self.scores(index, document, rules)
            .into_iter()
            .filter(|s| s.probability >= s.threshold)
            .map(|s| {
                let segment = &document.segments[s.first_segment - 1];
                Coding {
                    segment: segment.index,
                    start: segment.start,
                    end: segment.end,
                    code: s.code,
                    rule: MODEL_RULE.to_owned(),
                    matched: s.matched,
                }
            })
            .collect()
    }

    /// Per code its strongest positive features, for `thema learn --explain`.
    pub fn explain(&self, code: Option<&str>, top: usize) -> Table {
        let mut table = Table::new(["code", "threshold", "feature", "weight"]);
        for c in self
            .codes
            .iter()
            .filter(|c| code.is_none_or(|w| Codebook::is_within(&c.code, w)))
        {
            let mut weights: Vec<(&String, &f64)> =
                c.weights.iter().filter(|(_, w)| **w > 0.0).collect();
            weights.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
            for (feature, weight) in weights.into_iter().take(top) {
                table.rows.push(vec![
                    c.code.clone().into(),
                    c.threshold
                        .map_or(Value::Text("not learned".into()), |t| Value::Float(t, 2)),
                    feature.clone().into(),
                    Value::Float(*weight, 3),
                ]);
            }
        }
        table
    }
}

/// The `n` turns where the model is least certain (probability nearest a code's threshold),
/// spread over documents and codes: documents take turns, in order of their most uncertain
/// score, and each picks its turn of the code picked least so far, the most uncertain first.
/// Sorted by document and turn.
pub fn least_certain(
    documents: impl Iterator<Item = (usize, Vec<TurnScore>)>,
    n: usize,
) -> Vec<(usize, TurnScore)> {
    let margin = |s: &TurnScore| (s.probability - s.threshold).abs();
    let mut queues: Vec<(usize, Vec<TurnScore>)> = documents
        .map(|(d, mut scores)| {
            scores.sort_by(|a, b| margin(a).total_cmp(&margin(b)).then(a.turn.cmp(&b.turn)));
            (d, scores)
        })
        .filter(|(_, scores)| !scores.is_empty())
        .collect();
    queues.sort_by(|a, b| {
        margin(&a.1[0])
            .total_cmp(&margin(&b.1[0]))
            .then(a.0.cmp(&b.0))
    });
    let mut picked: Vec<(usize, TurnScore)> = Vec::new();
    let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
    loop {
        let before = picked.len();
        for (d, scores) in &mut queues {
            if picked.len() >= n {
                break;
            }
            scores.retain(|s| !picked.iter().any(|(pd, p)| pd == d && p.turn == s.turn));
            let choice = scores
                .iter()
                .enumerate()
                .min_by(|(i, a), (j, b)| {
                    let count = |s: &TurnScore| per_code.get(&s.code).copied().unwrap_or(0);
                    count(a).cmp(&count(b)).then(i.cmp(j))
                })
                .map(|(i, _)| i);
            if let Some(i) = choice {
                let s = scores.remove(i);
                *per_code.entry(s.code.clone()).or_default() += 1;
                picked.push((*d, s));
            }
        }
        if picked.len() == before || picked.len() >= n {
            break;
        }
    }
    picked.sort_by_key(|(d, s)| (*d, s.turn));
    picked
}

/// The model's probability of a code on a respondent turn.
#[derive(Debug, Clone)]
pub struct TurnScore {
    /// The turn number.
    pub turn: usize,
    /// 1-based index of the turn's first segment.
    pub first_segment: usize,
    /// The code.
    pub code: String,
    /// The model's probability.
    pub probability: f64,
    /// The code's threshold.
    pub threshold: f64,
    /// The features that weighed most, as for a coding's `matched`.
    pub matched: String,
}

/// The unit's features that weigh most for a code, words as written where a word gave them.
fn strongest(unit: &Unit, weights: &BTreeMap<String, f64>) -> String {
    let mut present: Vec<(&String, f64)> = unit
        .features
        .iter()
        .filter_map(|f| weights.get(f).map(|w| (f, *w)))
        .filter(|(_, w)| *w > 0.0)
        .collect();
    present.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    present
        .into_iter()
        .take(SHOWN_FEATURES)
        .map(|(f, _)| {
            unit.words
                .iter()
                .find(|(name, _)| name == f)
                .map_or_else(|| f.clone(), |(_, word)| word.clone())
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
