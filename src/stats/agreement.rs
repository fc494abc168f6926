//! Agreement between coders: how far two or more coders (people, or the auto-coder) who
//! coded the same units (segments, turns, documents) assigned them the same categories.
//!
//! The data are a [`Ratings`] matrix, one row per unit and one column per coder, holding
//! at most one nominal category per cell. For a single code the categories are
//! [`ABSENT`] (0) and [`PRESENT`] (1); for an exclusive parent code they are the child
//! codes, numbered by the caller. A coder who did not code a document has missing
//! values (`None`) for its units.
//!
//! Coefficients:
//! - [`percent_agreement`]: raw share of agreeing pairs of values;
//! - [`cohen_kappa`]: Cohen (1960), exactly two coders;
//! - [`fleiss_kappa`]: Fleiss (1971), two or more coders, complete units only;
//! - [`krippendorff_alpha_nominal`]: Krippendorff's alpha for nominal data, any number
//!   of coders, missing values allowed (Krippendorff 2011, "Computing Krippendorff's
//!   Alpha-Reliability");
//! - [`gwet_ac1`]: Gwet's AC1 for several raters with missing ratings (Gwet 2008; Gwet
//!   2014, *Handbook of Inter-Rater Reliability*), computed as the irrCAC package's
//!   `gwet.ac1.raw` does;
//! - [`bootstrap_alpha`]: a percentile confidence interval for alpha.
//!
//! [`summarise`] computes all of them with the unit counts a report needs, and
//! [`verdict`] reads alpha by Krippendorff's conventions.
//!
//! Every function returns `None` where its coefficient is undefined (no pairable values,
//! no variation, wrong number of coders...) and never returns NaN or panics.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

/// The category for "code absent" in binary (present/absent) data.
pub const ABSENT: u32 = 0;
/// The category for "code present" in binary (present/absent) data.
pub const PRESENT: u32 = 1;

/// The most bootstrap replicates [`bootstrap_alpha`] accepts.
pub const MAX_BOOTSTRAP_SAMPLES: usize = 1_000_000;

/// Why a [`Ratings`] matrix could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingsError {
    /// A unit's row does not have one cell per coder.
    #[error("unit {unit} has {found} ratings, expected one per coder ({expected})")]
    UnitLength {
        /// Index of the offending unit (0-based).
        unit: usize,
        /// Number of cells in its row.
        found: usize,
        /// Number of coders.
        expected: usize,
    },
    /// A coder's column does not have one cell per unit.
    #[error("coder {coder} has {found} ratings, expected one per unit ({expected})")]
    CoderLength {
        /// Index of the offending coder (0-based).
        coder: usize,
        /// Number of cells in their column.
        found: usize,
        /// Number of units (the length of the first coder's column).
        expected: usize,
    },
    /// A flat cell vector does not hold `units × coders` cells.
    #[error("{found} cells given for {units} units × {coders} coders")]
    CellCount {
        /// Number of units.
        units: usize,
        /// Number of coders.
        coders: usize,
        /// Number of cells given.
        found: usize,
    },
}

impl From<RatingsError> for crate::Error {
    fn from(err: RatingsError) -> Self {
        crate::Error::Usage(err.to_string())
    }
}

/// Codings of the same units by several coders: a units × coders matrix with at most
/// one nominal category per cell, `None` where the coder did not code the unit.
///
/// Category numbers are labels only: they need not be contiguous or start at 0 (except
/// that [`AgreementSummary::positive_units`] reads 0 as "absent").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ratings {
    units: usize,
    coders: usize,
    /// Row-major: unit `u`, coder `c` at `u * coders + c`.
    cells: Vec<Option<u32>>,
}

impl Ratings {
    /// Builds the matrix from one row per unit, each with one cell per coder.
    ///
    /// Fails with [`RatingsError::UnitLength`] if a row's length is not `coders`.
    /// `coders` may be 0 or 1 (every coefficient is then `None`).
    pub fn new(coders: usize, units: Vec<Vec<Option<u32>>>) -> Result<Self, RatingsError> {
        let mut cells = Vec::with_capacity(units.len().saturating_mul(coders));
        for (unit, row) in units.iter().enumerate() {
            if row.len() != coders {
                return Err(RatingsError::UnitLength {
                    unit,
                    found: row.len(),
                    expected: coders,
                });
            }
            cells.extend_from_slice(row);
        }
        Ok(Self {
            units: units.len(),
            coders,
            cells,
        })
    }

    /// Builds the matrix from one column per coder, each with one cell per unit: the
    /// layout of Krippendorff's "reliability data matrix" (coders as rows).
    ///
    /// Fails with [`RatingsError::CoderLength`] if the columns differ in length. No
    /// coders gives an empty matrix.
    pub fn from_coders(columns: Vec<Vec<Option<u32>>>) -> Result<Self, RatingsError> {
        let coders = columns.len();
        let units = columns.first().map_or(0, Vec::len);
        if let Some((coder, column)) = columns.iter().enumerate().find(|(_, c)| c.len() != units) {
            return Err(RatingsError::CoderLength {
                coder,
                found: column.len(),
                expected: units,
            });
        }
        let mut cells = Vec::with_capacity(units.saturating_mul(coders));
        for unit in 0..units {
            cells.extend(columns.iter().map(|column| column[unit]));
        }
        Ok(Self {
            units,
            coders,
            cells,
        })
    }

    /// Builds the matrix from its cells in row-major order (unit by unit, coders within
    /// a unit). Fails with [`RatingsError::CellCount`] unless there are exactly
    /// `units × coders` cells.
    pub fn from_cells(
        units: usize,
        coders: usize,
        cells: Vec<Option<u32>>,
    ) -> Result<Self, RatingsError> {
        if units.checked_mul(coders) != Some(cells.len()) {
            return Err(RatingsError::CellCount {
                units,
                coders,
                found: cells.len(),
            });
        }
        Ok(Self {
            units,
            coders,
            cells,
        })
    }

    /// Builds binary data for one code from presence flags, one row per unit and one
    /// cell per coder: `true` becomes [`PRESENT`], `false` [`ABSENT`], `None` missing.
    /// Fails like [`Ratings::new`].
    pub fn from_presence(
        coders: usize,
        units: Vec<Vec<Option<bool>>>,
    ) -> Result<Self, RatingsError> {
        let rows = units
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|cell| cell.map(|present| if present { PRESENT } else { ABSENT }))
                    .collect()
            })
            .collect();
        Self::new(coders, rows)
    }

    /// Number of units (rows), including units nobody coded.
    pub fn units(&self) -> usize {
        self.units
    }

    /// Number of coders (columns).
    pub fn coders(&self) -> usize {
        self.coders
    }

    /// One unit's cells, one per coder; `None` if `unit` is out of range.
    pub fn unit(&self, unit: usize) -> Option<&[Option<u32>]> {
        if unit >= self.units {
            return None;
        }
        let start = unit * self.coders;
        self.cells.get(start..start + self.coders)
    }

    /// The category coder `coder` gave unit `unit`; `None` if missing or out of range.
    pub fn get(&self, unit: usize, coder: usize) -> Option<u32> {
        if coder >= self.coders {
            return None;
        }
        self.unit(unit).and_then(|row| row[coder])
    }

    /// Iterates over the units' rows in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[Option<u32>]> + '_ {
        let coders = self.coders;
        (0..self.units).map(move |u| &self.cells[u * coders..(u + 1) * coders])
    }

    /// Number of units with at least two values: the units percent agreement, alpha and
    /// AC1's observed agreement are computed over.
    pub fn pairable_units(&self) -> usize {
        self.rows().filter(|row| value_count(row) >= 2).count()
    }

    /// Number of units every coder coded: the units Fleiss' kappa (and, with two
    /// coders, Cohen's kappa) is computed over. 0 when there are no coders.
    pub fn complete_units(&self) -> usize {
        if self.coders == 0 {
            return 0;
        }
        self.rows()
            .filter(|row| row.iter().all(Option::is_some))
            .count()
    }

    /// Number of values in pairable units: Krippendorff's n, the total of the
    /// coincidence matrix.
    pub fn pairable_values(&self) -> usize {
        self.rows().map(value_count).filter(|&m| m >= 2).sum()
    }
}

fn value_count(row: &[Option<u32>]) -> usize {
    row.iter().filter(|v| v.is_some()).count()
}

/// One unit's values counted by category.
struct Tally {
    /// Number of values in the unit.
    values: u64,
    /// (category, count), sorted by category, counts > 0.
    counts: Vec<(u32, u64)>,
}

impl Tally {
    fn of(row: &[Option<u32>]) -> Self {
        let mut values: Vec<u32> = row.iter().flatten().copied().collect();
        values.sort_unstable();
        let mut counts: Vec<(u32, u64)> = Vec::new();
        for value in values.iter().copied() {
            match counts.last_mut() {
                Some((category, count)) if *category == value => *count += 1,
                _ => counts.push((value, 1)),
            }
        }
        Self {
            values: values.len() as u64,
            counts,
        }
    }

    /// Ordered pairs of values within the unit that fall in the same category:
    /// Σ_c n_c (n_c − 1).
    fn same_pairs(&self) -> u128 {
        self.counts
            .iter()
            .map(|&(_, n)| u128::from(n) * u128::from(n - 1))
            .sum()
    }
}

fn tallies(ratings: &Ratings) -> impl Iterator<Item = Tally> + '_ {
    ratings.rows().map(Tally::of)
}

/// Share of agreeing pairs among all pairs of values coded for the same unit, pooled
/// over the units with at least two values.
///
/// Within a unit with m values there are m(m−1)/2 pairs (coders without a value for
/// the unit do not count); the result is the number of pairs in the same category
/// divided by the number of pairs, summed over units. With two coders this is the
/// share of jointly coded units on which they agree. Units with more values weigh more
/// (this is not the mean of per-unit agreement that irrCAC's `pa.coeff.raw` reports).
///
/// `None` when no unit has two values.
pub fn percent_agreement(ratings: &Ratings) -> Option<f64> {
    let mut agreeing: u128 = 0;
    let mut pairs: u128 = 0;
    for tally in tallies(ratings).filter(|t| t.values >= 2) {
        agreeing += tally.same_pairs() / 2;
        pairs += u128::from(tally.values) * u128::from(tally.values - 1) / 2;
    }
    (pairs > 0).then(|| agreeing as f64 / pairs as f64)
}

/// Cohen's (1960) kappa for exactly two coders, over the units both coded.
///
/// κ = (p_o − p_e) / (1 − p_e), with p_o the share of those units on which the coders
/// agree and p_e = Σ_k p_1k p_2k from each coder's own marginal distribution.
///
/// `None` when there are not exactly two coders, when no unit was coded by both, or
/// when both coders used one and the same category throughout (p_e = 1: kappa is 0/0).
pub fn cohen_kappa(ratings: &Ratings) -> Option<f64> {
    if ratings.coders() != 2 {
        return None;
    }
    let mut n: u64 = 0;
    let mut agree: u64 = 0;
    // category -> (count by coder 1, count by coder 2)
    let mut margins: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    for row in ratings.rows() {
        if let (Some(a), Some(b)) = (row[0], row[1]) {
            n += 1;
            agree += u64::from(a == b);
            margins.entry(a).or_default().0 += 1;
            margins.entry(b).or_default().1 += 1;
        }
    }
    // With n² p_e = Σ_k a_k b_k, κ = (n·agree − Σ a_k b_k) / (n² − Σ a_k b_k), exact in
    // integers (n < 2^61, so n² fits in an i128).
    let n = i128::from(n);
    let chance: i128 = margins
        .values()
        .map(|&(a, b)| i128::from(a) * i128::from(b))
        .sum();
    let numerator = n * i128::from(agree) - chance;
    let denominator = n * n - chance;
    (denominator != 0).then(|| numerator as f64 / denominator as f64)
}

/// Fleiss' (1971) kappa for two or more coders, over the units every coder coded.
///
/// With N such units, n coders, n_ij the number of coders putting unit i in category j
/// and p_j = Σ_i n_ij / (N n): P̄ = Σ_i (Σ_j n_ij² − n) / (N n (n − 1)),
/// P̄_e = Σ_j p_j², κ = (P̄ − P̄_e) / (1 − P̄_e). With two coders this is Scott's pi.
///
/// `None` with fewer than two coders, when no unit was coded by every coder, or when
/// all those values are in one category (P̄_e = 1).
pub fn fleiss_kappa(ratings: &Ratings) -> Option<f64> {
    let coders = ratings.coders() as u64;
    if coders < 2 {
        return None;
    }
    let mut units: u64 = 0;
    let mut squares: u128 = 0; // Σ_i Σ_j n_ij²
    let mut totals: BTreeMap<u32, u64> = BTreeMap::new();
    for tally in tallies(ratings).filter(|t| t.values == coders) {
        units += 1;
        for &(category, count) in &tally.counts {
            squares += u128::from(count) * u128::from(count);
            *totals.entry(category).or_default() += count;
        }
    }
    if units == 0 || totals.len() < 2 {
        return None;
    }
    let total_squares: u128 = totals
        .values()
        .map(|&t| u128::from(t) * u128::from(t))
        .sum();
    // With M = N n and T2 = Σ_j T_j²:
    // κ = ((S − M) M − T2 (n − 1)) / ((M² − T2)(n − 1)), exact when it fits in i128.
    let exact = || -> Option<f64> {
        let m = i128::from(units).checked_mul(i128::from(coders))?;
        let s = i128::try_from(squares).ok()?;
        let t2 = i128::try_from(total_squares).ok()?;
        let n1 = i128::from(coders - 1);
        let numerator = (s - m).checked_mul(m)?.checked_sub(t2.checked_mul(n1)?)?;
        let denominator = m.checked_mul(m)?.checked_sub(t2)?.checked_mul(n1)?;
        Some(numerator as f64 / denominator as f64)
    };
    exact().or_else(|| {
        let m = units as f64 * coders as f64;
        let observed = (squares as f64 - m) / (m * (coders - 1) as f64);
        let chance = total_squares as f64 / (m * m);
        Some((observed - chance) / (1.0 - chance))
    })
}

/// The sufficient statistics of nominal alpha for a set of units.
#[derive(Default)]
struct AlphaParts {
    /// Number of values m_u → Σ over units of that size of Σ_c n_uc (n_uc − 1).
    same_by_size: BTreeMap<u64, u128>,
    /// Category → n_c, the number of pairable values in it.
    totals: BTreeMap<u32, u64>,
}

impl AlphaParts {
    fn add(&mut self, tally: &Tally) {
        if tally.values < 2 {
            return;
        }
        *self.same_by_size.entry(tally.values).or_default() += tally.same_pairs();
        for &(category, count) in &tally.counts {
            *self.totals.entry(category).or_default() += count;
        }
    }

    fn alpha(&self) -> Option<f64> {
        alpha_from(
            self.same_by_size.iter().map(|(&m, &s)| (m, s)),
            self.totals.values().copied(),
        )
    }
}

/// Nominal alpha from Σ_c n_uc(n_uc − 1) summed by unit size m and the category totals
/// n_c: with o_cc = Σ_u n_uc(n_uc − 1)/(m_u − 1) and n = Σ n_c,
/// α = ((n − 1) Σ_c o_cc − Σ_c n_c(n_c − 1)) / (n(n − 1) − Σ_c n_c(n_c − 1)).
fn alpha_from(
    same_by_size: impl Iterator<Item = (u64, u128)>,
    totals: impl Iterator<Item = u64>,
) -> Option<f64> {
    let mut n: u128 = 0;
    let mut squares: u128 = 0;
    let mut used = 0usize;
    for t in totals.filter(|&t| t > 0) {
        n += u128::from(t);
        squares += u128::from(t) * u128::from(t);
        used += 1;
    }
    // Fewer than two categories: no variation, D_e = 0 and alpha is 0/0.
    if used < 2 {
        return None;
    }
    let diagonal: f64 = same_by_size
        .filter(|&(m, _)| m >= 2)
        .map(|(m, s)| s as f64 / (m - 1) as f64)
        .sum();
    let within = squares - n; // Σ n_c (n_c − 1)
    let numerator = (n - 1) as f64 * diagonal - within as f64;
    let denominator = (n * n - squares) as f64; // n(n − 1) − Σ n_c(n_c − 1)
    Some(numerator / denominator)
}

/// Krippendorff's alpha for nominal data, any number of coders, missing values allowed
/// (coincidence-matrix method of Krippendorff 2011, "Computing Krippendorff's
/// Alpha-Reliability").
///
/// Only units with at least two values enter (the pairable values); each contributes
/// its m_u(m_u − 1) ordered pairs of values with weight 1/(m_u − 1) to the coincidence
/// matrix o, and α = 1 − D_o / D_e = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
///
/// `None` when there are no pairable values or they all fall in one category: without
/// variation alpha is undefined (Krippendorff: 0/0), not 1.
pub fn krippendorff_alpha_nominal(ratings: &Ratings) -> Option<f64> {
    let mut parts = AlphaParts::default();
    for tally in tallies(ratings) {
        parts.add(&tally);
    }
    parts.alpha()
}

/// Gwet's AC1 for two or more raters with missing ratings (Gwet 2008, "Computing
/// inter-rater reliability and its variance in the presence of high agreement"; Gwet
/// 2014, *Handbook of Inter-Rater Reliability*), computed as irrCAC's `gwet.ac1.raw`
/// (unweighted, categories = those observed).
///
/// - Observed agreement p_a: mean over units with r_i ≥ 2 ratings of
///   Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1)).
/// - Classification probabilities π_k: mean over units with r_i ≥ 1 rating (units no
///   one rated are dropped, as irrCAC asks) of r_ik / r_i — so a unit only one coder
///   coded counts here, though not in p_a.
/// - Chance agreement p_e = Σ_k π_k (1 − π_k) / (q − 1), q = number of categories
///   observed anywhere in the data; AC1 = (p_a − p_e) / (1 − p_e).
///
/// `None` when no unit has two ratings. When only one category is observed p_e's
/// formula is 0/0; like irrCAC this returns 1 (every pair agrees). p_e ≤ 1/q, so the
/// result is otherwise always defined.
pub fn gwet_ac1(ratings: &Ratings) -> Option<f64> {
    let mut rated: u64 = 0;
    let mut paired: u64 = 0;
    // r_i → Σ over units with r_i ratings of Σ_k r_ik (r_ik − 1)
    let mut same_by_size: BTreeMap<u64, u128> = BTreeMap::new();
    // (category, r_i) → Σ over units with r_i ratings of r_ik
    let mut share_by_size: BTreeMap<(u32, u64), u64> = BTreeMap::new();
    for tally in tallies(ratings).filter(|t| t.values >= 1) {
        rated += 1;
        if tally.values >= 2 {
            paired += 1;
            *same_by_size.entry(tally.values).or_default() += tally.same_pairs();
        }
        for &(category, count) in &tally.counts {
            *share_by_size.entry((category, tally.values)).or_default() += count;
        }
    }
    if paired == 0 {
        return None;
    }
    let observed = same_by_size
        .iter()
        .map(|(&r, &s)| s as f64 / (r as f64 * (r - 1) as f64))
        .sum::<f64>()
        / paired as f64;
    let mut probabilities: BTreeMap<u32, f64> = BTreeMap::new();
    for (&(category, r), &count) in &share_by_size {
        *probabilities.entry(category).or_default() += count as f64 / r as f64;
    }
    let q = probabilities.len();
    if q < 2 {
        return Some(1.0);
    }
    let chance = probabilities
        .values()
        .map(|&sum| {
            let pi = sum / rated as f64;
            pi * (1.0 - pi)
        })
        .sum::<f64>()
        / (q - 1) as f64;
    Some((observed - chance) / (1.0 - chance))
}

/// A percentile bootstrap confidence interval `(lower, upper)` for nominal alpha.
///
/// Resamples the pairable units (those with at least two values) with replacement, as
/// many as there are, `samples` times, computes alpha on each replicate and returns the
/// (1 − level)/2 and (1 + level)/2 quantiles of the replicates (linear interpolation
/// between order statistics, R's type 7 / numpy's default). Replicates without variation
/// (alpha undefined) are left out.
///
/// Reproducible: replicate r draws from a ChaCha20 generator seeded with `seed` on
/// stream r, so the result depends only on the data, `samples`, `seed` and `level`,
/// not on the number of threads.
///
/// `None` when alpha itself is undefined, `samples` is 0 or above
/// [`MAX_BOOTSTRAP_SAMPLES`], `level` is not strictly between 0 and 1, or no replicate
/// has variation.
pub fn bootstrap_alpha(
    ratings: &Ratings,
    samples: usize,
    seed: u64,
    level: f64,
) -> Option<(f64, f64)> {
    if samples == 0 || samples > MAX_BOOTSTRAP_SAMPLES || !(level > 0.0 && level < 1.0) {
        return None;
    }
    krippendorff_alpha_nominal(ratings)?;

    // Dense category indices and one compact record per pairable unit.
    let pairable: Vec<Tally> = tallies(ratings).filter(|t| t.values >= 2).collect();
    let mut index: BTreeMap<u32, usize> = BTreeMap::new();
    for tally in &pairable {
        for &(category, _) in &tally.counts {
            let next = index.len();
            index.entry(category).or_insert(next);
        }
    }
    let max_size = pairable.iter().map(|t| t.values).max().unwrap_or(0) as usize;
    let units: Vec<BootUnit> = pairable
        .iter()
        .map(|t| BootUnit {
            size: t.values as usize,
            same: t.same_pairs(),
            counts: t
                .counts
                .iter()
                .map(|&(category, count)| (index[&category], count))
                .collect(),
        })
        .collect();
    let categories = index.len();
    let drawn = units.len() as u64;

    let replicate = |r: usize| -> Option<f64> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        rng.set_stream(r as u64);
        let mut same_by_size = vec![0u128; max_size + 1];
        let mut totals = vec![0u64; categories];
        for _ in 0..drawn {
            let unit = &units[rng.random_range(0..drawn) as usize];
            same_by_size[unit.size] += unit.same;
            for &(category, count) in &unit.counts {
                totals[category] += count;
            }
        }
        alpha_from(
            same_by_size.iter().enumerate().map(|(m, &s)| (m as u64, s)),
            totals.into_iter(),
        )
    };
    let mut alphas: Vec<f64> = (0..samples)
        .into_par_iter()
        .map(replicate)
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    if alphas.is_empty() {
        return None;
    }
    alphas.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    Some((quantile(&alphas, tail), quantile(&alphas, 1.0 - tail)))
}

/// A pairable unit reduced to what alpha needs.
struct BootUnit {
    size: usize,
    same: u128,
    counts: Vec<(usize, u64)>,
}

/// Quantile `p` (0 ≤ p ≤ 1) of non-empty sorted data, interpolating linearly between
/// order statistics (Hyndman & Fan type 7).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Reads alpha by Krippendorff's conventions (Krippendorff 2004, *Content Analysis*,
/// 2nd ed., p. 241): α ≥ .800 `"reliable"`, .667 ≤ α < .800 `"tentative"` (only
/// tentative conclusions), below `"unreliable"`.
///
/// Alpha is judged as reported, rounded to three decimals as `format!("{:.3}")` prints
/// it, so the label never contradicts the printed value (2/3 prints as 0.667 and is
/// tentative; 0.7996 prints as 0.800 and is reliable). Accepts an `f64` or an
/// `Option<f64>`; `None` or a non-finite value gives `"undefined"`.
pub fn verdict(alpha: impl Into<Option<f64>>) -> &'static str {
    match alpha.into() {
        Some(a) if a.is_finite() => {
            // Round exactly as `{:.3}` prints, then compare with the printed thresholds.
            let reported: f64 = format!("{a:.3}").parse().unwrap_or(a);
            if reported >= 0.800 {
                "reliable"
            } else if reported >= 0.667 {
                "tentative"
            } else {
                "unreliable"
            }
        }
        _ => "undefined",
    }
}

/// All agreement coefficients for one code (or one exclusive parent code), with the
/// counts a report needs. Each coefficient is `None` where it is undefined; see its
/// function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgreementSummary {
    /// Number of coders.
    pub coders: usize,
    /// Number of units in the data, coded or not.
    pub units: usize,
    /// Units with at least two values: those percent agreement, alpha and AC1's observed
    /// agreement use.
    pub pairable_units: usize,
    /// Units every coder coded: those Fleiss' kappa (and Cohen's, with two coders) use.
    pub complete_units: usize,
    /// Values in pairable units (Krippendorff's n).
    pub pairable_values: usize,
    /// Pairable units where at least one value is not [`ABSENT`] (0): for binary data,
    /// the units some coder coded as present.
    pub positive_units: usize,
    /// [`percent_agreement`].
    pub percent: Option<f64>,
    /// [`cohen_kappa`] (two coders only).
    pub cohen: Option<f64>,
    /// [`fleiss_kappa`].
    pub fleiss: Option<f64>,
    /// [`krippendorff_alpha_nominal`].
    pub alpha: Option<f64>,
    /// [`gwet_ac1`].
    pub ac1: Option<f64>,
}

/// Computes every coefficient and count of [`AgreementSummary`] for `ratings`.
pub fn summarise(ratings: &Ratings) -> AgreementSummary {
    let positive_units = ratings
        .rows()
        .filter(|row| value_count(row) >= 2 && row.iter().flatten().any(|&v| v != ABSENT))
        .count();
    AgreementSummary {
        coders: ratings.coders(),
        units: ratings.units(),
        pairable_units: ratings.pairable_units(),
        complete_units: ratings.complete_units(),
        pairable_values: ratings.pairable_values(),
        positive_units,
        percent: percent_agreement(ratings),
        cohen: cohen_kappa(ratings),
        fleiss: fleiss_kappa(ratings),
        alpha: krippendorff_alpha_nominal(ratings),
        ac1: gwet_ac1(ratings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells written as in the papers' tables: numbers, "." for a missing value.
    fn cells(text: &str) -> Vec<Option<u32>> {
        text.split_whitespace().map(|v| v.parse().ok()).collect()
    }

    /// A reliability data matrix with one line per coder (Krippendorff's layout).
    fn by_coder(lines: &[&str]) -> Ratings {
        Ratings::from_coders(lines.iter().map(|l| cells(l)).collect()).unwrap()
    }

    /// One line per unit, one cell per coder.
    fn by_unit(coders: usize, lines: &[&str]) -> Ratings {
        Ratings::new(coders, lines.iter().map(|l| cells(l)).collect()).unwrap()
    }

    /// Ratings from a subjects × categories count table (coder identity arbitrary).
    fn from_counts(table: &[&[u32]]) -> Ratings {
        let coders = table[0].iter().sum::<u32>() as usize;
        let rows = table
            .iter()
            .map(|counts| {
                counts
                    .iter()
                    .enumerate()
                    .flat_map(|(k, &n)| std::iter::repeat_n(Some(k as u32), n as usize))
                    .collect()
            })
            .collect();
        Ratings::new(coders, rows).unwrap()
    }

    /// Two coders from a contingency table: row = coder 1's category, column = coder 2's.
    fn from_contingency(table: &[&[u32]]) -> Ratings {
        let mut rows = Vec::new();
        for (a, counts) in table.iter().enumerate() {
            for (b, &n) in counts.iter().enumerate() {
                for _ in 0..n {
                    rows.push(vec![Some(a as u32), Some(b as u32)]);
                }
            }
        }
        Ratings::new(2, rows).unwrap()
    }

    fn rounded(x: Option<f64>, decimals: i32) -> f64 {
        let scale = 10f64.powi(decimals);
        (x.expect("defined") * scale).round() / scale
    }

    fn close(actual: Option<f64>, expected: f64, tolerance: f64) {
        let actual = actual.expect("defined");
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} != {expected} (± {tolerance})"
        );
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A:
    /// binary data, two observers, no missing data, 10 units. Published α = 0.095.
    #[test]
    fn krippendorff_2011_binary_two_observers() {
        let ratings = by_coder(&["0 1 0 0 0 0 0 0 1 0", "1 1 1 0 0 1 0 0 0 0"]);
        assert_eq!(rounded(krippendorff_alpha_nominal(&ratings), 3), 0.095);
        // The paper's coincidences: o_00 = 10, o_01 = o_10 = 4, o_11 = 2; n_0 = 14,
        // n_1 = 6; α = 1 − 19 · 4 / (14 · 6).
        close(
            krippendorff_alpha_nominal(&ratings),
            1.0 - 76.0 / 84.0,
            1e-12,
        );
        assert_eq!(ratings.pairable_values(), 20);
    }

    /// Krippendorff (2011), section C: nominal data, four observers (A–D), 12 units,
    /// missing values. Published α = 0.743 (n = 40 pairable values).
    #[test]
    fn krippendorff_2011_nominal_four_observers_missing() {
        let ratings = by_coder(&[
            "1 2 3 3 2 1 4 1 2 . . .", // A
            "1 2 3 3 2 2 4 1 2 5 . 3", // B
            ". 3 3 3 2 3 4 2 2 5 1 .", // C
            "1 2 3 3 2 4 4 1 2 5 1 .", // D
        ]);
        assert_eq!(rounded(krippendorff_alpha_nominal(&ratings), 3), 0.743);
        assert_eq!(ratings.pairable_values(), 40);
        assert_eq!(ratings.pairable_units(), 11);
    }

    /// The same data are Gwet (2014, Handbook of Inter-Rater Reliability, 4th ed.,
    /// p. 120) / irrCAC's `cac.raw4raters`; the irrCAC documentation (Python port
    /// 0.4.4, module `irrCAC.raw`) prints AC1 = 0.77544 (p_a = 0.81818, p_e = 0.19032).
    #[test]
    fn gwet_ac1_raw4raters() {
        let ratings = by_unit(
            4,
            &[
                "1 1 . 1", "2 2 3 2", "3 3 3 3", "3 3 3 3", "2 2 2 2", "1 2 3 4", //
                "4 4 4 4", "1 1 2 1", "2 2 2 2", ". 5 5 5", ". . 1 1", ". . 3 .",
            ],
        );
        assert_eq!(rounded(gwet_ac1(&ratings), 5), 0.77544);
        assert_eq!(rounded(krippendorff_alpha_nominal(&ratings), 3), 0.743);
    }

    /// Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5
    /// categories. Published κ = 0.210 (P̄ = 0.378, P̄_e = 0.213).
    #[test]
    fn fleiss_wikipedia_example() {
        let ratings = from_counts(&[
            &[0, 0, 0, 0, 14],
            &[0, 2, 6, 4, 2],
            &[0, 0, 3, 5, 6],
            &[0, 3, 9, 2, 0],
            &[2, 2, 8, 1, 1],
            &[7, 7, 0, 0, 0],
            &[3, 2, 6, 3, 0],
            &[2, 5, 3, 2, 2],
            &[6, 5, 2, 1, 0],
            &[0, 2, 2, 3, 7],
        ]);
        assert_eq!(ratings.coders(), 14);
        assert_eq!(rounded(fleiss_kappa(&ratings), 3), 0.210);
    }

    /// Wikipedia, "Cohen's kappa", simple example: 50 proposals, two readers; yes/yes 20,
    /// A yes B no 5, A no B yes 10, no/no 15. p_o = 0.7, p_e = 0.5, κ = 0.4.
    #[test]
    fn cohen_wikipedia_example() {
        let ratings = from_contingency(&[&[20, 5], &[10, 15]]);
        close(cohen_kappa(&ratings), 0.4, 1e-12);
        close(percent_agreement(&ratings), 0.7, 1e-12);
    }

    /// irrCAC vignette "Calculating Chance-corrected Agreement Coefficients" (Gwet
    /// 2019), `cont3x3abstractors` (100 pregnant women, 2 abstractors, 3 categories;
    /// from Gwet 2014): Cohen's kappa 0.7964094, Scott's pi 0.7962397, Gwet's AC1
    /// 0.8493305, Krippendorff's alpha 0.7972585, percent agreement 0.89.
    #[test]
    fn irrcac_abstractors_two_raters() {
        let ratings = from_contingency(&[&[13, 0, 0], &[0, 20, 7], &[0, 4, 56]]);
        assert_eq!(rounded(cohen_kappa(&ratings), 7), 0.7964094);
        // Fleiss' kappa with two raters is Scott's pi.
        assert_eq!(rounded(fleiss_kappa(&ratings), 7), 0.7962397);
        assert_eq!(rounded(gwet_ac1(&ratings), 7), 0.8493305);
        assert_eq!(rounded(krippendorff_alpha_nominal(&ratings), 7), 0.7972585);
        close(percent_agreement(&ratings), 0.89, 1e-12);
    }

    #[test]
    fn reference_cases_from_independent_implementations() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/agreement/reference.json"
        );
        let text = std::fs::read_to_string(path).expect("reference.json");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let cases = doc["cases"].as_array().expect("cases");
        assert!(cases.len() >= 20, "only {} cases", cases.len());
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let coders = case["coders"].as_u64().unwrap() as usize;
            let rows: Vec<Vec<Option<u32>>> = case["units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    row.as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_u64().map(|v| v as u32))
                        .collect()
                })
                .collect();
            let ratings = Ratings::new(coders, rows).unwrap();
            let summary = summarise(&ratings);
            for (key, actual) in [
                ("percent", summary.percent),
                ("cohen", summary.cohen),
                ("fleiss", summary.fleiss),
                ("alpha", summary.alpha),
                ("ac1", summary.ac1),
            ] {
                match (case[key].as_f64(), actual) {
                    (None, None) => {}
                    (Some(expected), Some(actual)) => assert!(
                        (expected - actual).abs() <= 1e-9,
                        "{name} {key}: {actual} != {expected}"
                    ),
                    (expected, actual) => {
                        panic!("{name} {key}: {actual:?} but reference {expected:?}")
                    }
                }
            }
            for (key, actual) in [
                ("pairable_units", summary.pairable_units),
                ("complete_units", summary.complete_units),
                ("pairable_values", summary.pairable_values),
                ("positive_units", summary.positive_units),
            ] {
                assert_eq!(case[key].as_u64(), Some(actual as u64), "{name} {key}");
            }
        }
    }

    #[test]
    fn construction_validates_shape() {
        assert_eq!(
            Ratings::new(2, vec![vec![Some(1), None], vec![Some(1)]]),
            Err(RatingsError::UnitLength {
                unit: 1,
                found: 1,
                expected: 2
            })
        );
        assert_eq!(
            Ratings::from_coders(vec![vec![Some(1), None], vec![Some(1)]]),
            Err(RatingsError::CoderLength {
                coder: 1,
                found: 1,
                expected: 2
            })
        );
        assert!(matches!(
            Ratings::from_cells(2, 3, vec![None; 5]),
            Err(RatingsError::CellCount { .. })
        ));
        assert!(Ratings::from_cells(usize::MAX, 2, vec![]).is_err());
        let r = Ratings::from_cells(2, 2, vec![Some(1), None, Some(0), Some(1)]).unwrap();
        assert_eq!(r.get(0, 0), Some(1));
        assert_eq!(r.get(0, 1), None);
        assert_eq!(r.get(1, 1), Some(1));
        assert_eq!(r.get(2, 0), None);
        assert_eq!(r.get(0, 2), None);
        assert_eq!(r.unit(1), Some(&[Some(0), Some(1)][..]));
        assert_eq!(r.unit(2), None);
        let by_rows = Ratings::new(2, vec![vec![Some(1), None], vec![Some(0), Some(1)]]);
        assert_eq!(by_rows, Ok(r.clone()));
        let by_coders = Ratings::from_coders(vec![vec![Some(1), Some(0)], vec![None, Some(1)]]);
        assert_eq!(by_coders, Ok(r.clone()));
        let presence = Ratings::from_presence(
            2,
            vec![vec![Some(true), None], vec![Some(false), Some(true)]],
        );
        assert_eq!(presence, Ok(r));
        let err: crate::Error = RatingsError::CellCount {
            units: 1,
            coders: 1,
            found: 0,
        }
        .into();
        assert!(err.to_string().contains("1 units"));
    }

    #[test]
    fn degenerate_inputs_are_none_not_nan() {
        let empty = Ratings::default();
        let no_coders = Ratings::new(0, vec![vec![]; 3]).unwrap();
        let one_coder = Ratings::new(1, vec![vec![Some(0)], vec![Some(1)]]).unwrap();
        let all_missing = Ratings::new(3, vec![vec![None; 3]; 4]).unwrap();
        for r in [&empty, &no_coders, &one_coder, &all_missing] {
            let s = summarise(r);
            assert_eq!(
                (s.percent, s.cohen, s.fleiss, s.alpha, s.ac1),
                (None, None, None, None, None),
                "{r:?}"
            );
            assert_eq!(
                (s.pairable_units, s.pairable_values, s.positive_units),
                (0, 0, 0)
            );
            assert_eq!(bootstrap_alpha(r, 100, 1, 0.95), None);
            assert_eq!(verdict(s.alpha), "undefined");
        }
        assert_eq!(summarise(&no_coders).complete_units, 0);
        assert_eq!(summarise(&all_missing).units, 4);

        // One category only: agreement is perfect but chance-corrected coefficients
        // other than AC1 are 0/0.
        let constant = Ratings::new(2, vec![vec![Some(0), Some(0)]; 5]).unwrap();
        let s = summarise(&constant);
        assert_eq!(s.percent, Some(1.0));
        assert_eq!((s.cohen, s.fleiss, s.alpha), (None, None, None));
        assert_eq!(s.ac1, Some(1.0));
        assert_eq!(s.positive_units, 0);

        // Coders agree perfectly with variation: every coefficient is 1.
        let perfect = Ratings::new(3, vec![vec![Some(0); 3], vec![Some(1); 3]]).unwrap();
        let s = summarise(&perfect);
        assert_eq!(s.cohen, None);
        for value in [s.percent, s.fleiss, s.alpha, s.ac1] {
            close(value, 1.0, 1e-12);
        }
        assert_eq!(s.positive_units, 1);

        // Cohen with two coders who each used one (different) category: p_e = 0.
        let opposite = Ratings::new(2, vec![vec![Some(0), Some(1)]; 3]).unwrap();
        assert_eq!(cohen_kappa(&opposite), Some(0.0));
        assert_eq!(percent_agreement(&opposite), Some(0.0));
    }

    #[test]
    fn percent_agreement_pools_pairs() {
        // Unit 1: 3 values, pairs (a,a) agree, the 2 pairs with b disagree → 1 of 3.
        // Unit 2: 2 values that agree → 1 of 1. Pooled: 2 of 4.
        let r = Ratings::new(
            3,
            vec![
                vec![Some(0), Some(0), Some(1)],
                vec![Some(1), None, Some(1)],
            ],
        )
        .unwrap();
        assert_eq!(percent_agreement(&r), Some(0.5));
    }

    #[test]
    fn verdict_follows_krippendorff() {
        assert_eq!(verdict(1.0), "reliable");
        assert_eq!(verdict(0.800), "reliable");
        assert_eq!(verdict(0.7996), "reliable");
        assert_eq!(verdict(0.7994), "tentative");
        assert_eq!(verdict(2.0 / 3.0), "tentative");
        assert_eq!(verdict(0.667), "tentative");
        assert_eq!(verdict(0.6664), "unreliable");
        assert_eq!(verdict(-0.5), "unreliable");
        assert_eq!(verdict(Some(0.9)), "reliable");
        assert_eq!(verdict(None), "undefined");
        assert_eq!(verdict(f64::NAN), "undefined");
    }

    fn example_for_bootstrap() -> Ratings {
        // Krippendorff (2011) section C data, three times over, to give the bootstrap
        // some units.
        let units = [
            "1 1 . 1", "2 2 3 2", "3 3 3 3", "3 3 3 3", "2 2 2 2", "1 2 3 4", //
            "4 4 4 4", "1 1 2 1", "2 2 2 2", ". 5 5 5", ". . 1 1", ". . 3 .",
        ];
        let lines: Vec<&str> = units.iter().cycle().take(36).copied().collect();
        by_unit(4, &lines)
    }

    #[test]
    fn bootstrap_is_reproducible_and_brackets_alpha() {
        let ratings = example_for_bootstrap();
        let alpha = krippendorff_alpha_nominal(&ratings).unwrap();
        let (lo, hi) = bootstrap_alpha(&ratings, 2000, 42, 0.95).unwrap();
        assert!(lo.is_finite() && hi.is_finite());
        assert!(lo < alpha && alpha < hi, "{lo} < {alpha} < {hi}");
        assert!(hi <= 1.0);
        assert_eq!(bootstrap_alpha(&ratings, 2000, 42, 0.95), Some((lo, hi)));
        assert_ne!(bootstrap_alpha(&ratings, 2000, 43, 0.95), Some((lo, hi)));
        // A narrower level gives a nested interval.
        let (lo90, hi90) = bootstrap_alpha(&ratings, 2000, 42, 0.90).unwrap();
        assert!(lo <= lo90 && hi90 <= hi);
    }

    #[test]
    fn bootstrap_does_not_depend_on_thread_count() {
        let ratings = example_for_bootstrap();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| bootstrap_alpha(&ratings, 500, 7, 0.95))
        };
        let one = run(1);
        assert!(one.is_some());
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
    }

    #[test]
    fn bootstrap_rejects_bad_arguments() {
        let ratings = example_for_bootstrap();
        assert_eq!(bootstrap_alpha(&ratings, 0, 1, 0.95), None);
        assert_eq!(
            bootstrap_alpha(&ratings, MAX_BOOTSTRAP_SAMPLES + 1, 1, 0.95),
            None
        );
        for level in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(bootstrap_alpha(&ratings, 10, 1, level), None, "{level}");
        }
        // A single replicate gives a degenerate but defined interval.
        let (lo, hi) = bootstrap_alpha(&ratings, 1, 1, 0.95).unwrap();
        assert_eq!(lo, hi);
    }

    #[test]
    fn bootstrap_skips_replicates_without_variation() {
        // Two pairable units, one per category: half the replicates draw one unit twice
        // (no variation) and are left out; the others hold both units, on which the
        // coders agree perfectly, so alpha = 1.
        let ratings =
            Ratings::new(2, vec![vec![Some(0), Some(0)], vec![Some(1), Some(1)]]).unwrap();
        assert_eq!(bootstrap_alpha(&ratings, 200, 3, 0.95), Some((1.0, 1.0)));
    }

    #[test]
    fn quantile_interpolates() {
        let data = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&data, 0.0), 1.0);
        assert_eq!(quantile(&data, 1.0), 4.0);
        assert_eq!(quantile(&data, 0.5), 2.5);
        assert_eq!(quantile(&[5.0], 0.3), 5.0);
    }
}
