//! Contingency tables: tests of independence and effect sizes.
//!
//! `thema compare --by ATTR` builds, for every code, a 2 × k table whose rows are
//! "has the code" / "has not" and whose columns are the groups of respondents, and
//! asks whether the share of units with the code differs between the groups. This
//! module provides the tests ([`chi_square`], [`fisher_exact_2x2`],
//! [`fisher_exact_2xk`] and the chooser [`independence_test`]), effect sizes
//! ([`cramers_v`], [`two_group_effects`]) and the Benjamini–Hochberg correction for
//! testing many codes at once ([`benjamini_hochberg`]).
//!
//! Conventions shared by every function:
//!
//! * A table is given as rows of counts (`table[row][column]`). Ragged input is
//!   accepted: missing cells count as zero.
//! * Rows and columns whose margin is zero carry no information and are dropped
//!   before anything is computed (a code nobody has, a group without units).
//! * No input panics. When a table cannot be tested (fewer than two non-empty rows or
//!   columns after dropping), the p-value is 1 and the statistic is `None`; p-values
//!   are never NaN.
//! * Two tables count as "at most as probable as the observed" in the exact tests
//!   when `P(table) <= P(observed) * (1 + 1e-7)` ([`TIE_TOLERANCE`], as R's
//!   `fisher.test`), so that tables whose probabilities are mathematically equal but
//!   differ by rounding are treated as ties.

use std::fmt;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::factorial::ln_factorial;

/// Relative tolerance under which two table probabilities count as equal in the
/// exact and Monte Carlo Fisher tests (R's `fisher.test` uses the same `1e-7`).
pub const TIE_TOLERANCE: f64 = 1e-7;

/// Smallest expected count for which [`independence_test`] trusts the chi-square
/// approximation; below it a Fisher test is used.
pub const MIN_EXPECTED_FOR_CHI_SQUARE: f64 = 5.0;

/// Default bound on the number of tables the Freeman–Halton enumeration may visit
/// before [`fisher_exact_2xk`] falls back to Monte Carlo.
pub const DEFAULT_MAX_TABLES: u64 = 10_000_000;

/// Default number of random tables drawn by the Monte Carlo fallback.
pub const DEFAULT_MONTE_CARLO_SAMPLES: u64 = 100_000;

/// Largest table total for which the Monte Carlo fallback is run. Drawing one random
/// table costs about `sqrt(total)` steps per cell, so beyond this the chi-square
/// approximation is used instead (see [`fisher_exact_2xk`]). Far beyond the sizes
/// of qualitative studies.
pub const MAX_MONTE_CARLO_TOTAL: u64 = 10_000_000;

/// Largest table total for which Fisher p-values are computed. Beyond it (2³² units,
/// never reached by real studies) the log-factorials lose the precision the exact
/// computation needs, and the chi-square p-value is returned instead.
pub const MAX_FISHER_TOTAL: u64 = 1 << 32;

/// Largest value of `columns × (smaller row total + 1)` for which the number of
/// tables with the observed margins is counted; larger problems are treated as
/// exceeding the enumeration bound.
const MAX_COUNTING_WORK: u64 = 100_000_000;

/// Two-sided 97.5 % quantile of the standard normal distribution, for 95 % intervals.
const Z_975: f64 = 1.959_963_984_540_054;

/// The test that produced a p-value. Its `Display` form is meant for output:
/// `chi-square`, `Fisher exact`, `Fisher exact (Freeman-Halton)`,
/// `Fisher Monte Carlo (B=…, seed=…)` or `not testable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Pearson chi-square test without continuity correction.
    ChiSquare,
    /// Fisher's exact test on a 2 × 2 table.
    FisherExact,
    /// Fisher–Freeman–Halton exact test on a 2 × k (or k × 2) table, by complete
    /// enumeration of the tables with the observed margins.
    FisherFreemanHalton,
    /// Monte Carlo estimate of the Fisher–Freeman–Halton p-value from `samples`
    /// random tables with the observed margins, drawn with the given `seed`.
    FisherMonteCarlo {
        /// Number of random tables (`B`).
        samples: u64,
        /// Seed of the random generator (ChaCha20).
        seed: u64,
    },
    /// Nothing to test: fewer than two non-empty rows or columns (for example a code
    /// that no unit or every unit has, or a single group). The p-value is 1.
    NotTestable,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Method::ChiSquare => f.write_str("chi-square"),
            Method::FisherExact => f.write_str("Fisher exact"),
            Method::FisherFreemanHalton => f.write_str("Fisher exact (Freeman-Halton)"),
            Method::FisherMonteCarlo { samples, seed } => {
                write!(f, "Fisher Monte Carlo (B={samples}, seed={seed})")
            }
            Method::NotTestable => f.write_str("not testable"),
        }
    }
}

/// Result of [`chi_square`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    /// Pearson's X² statistic; `None` when the table cannot be tested (`df == 0`).
    pub statistic: Option<f64>,
    /// Degrees of freedom `(r − 1)(c − 1)`, counting only non-empty rows and columns.
    pub df: usize,
    /// Upper-tail p-value of the chi-square distribution; 1 when `df == 0`.
    pub p_value: f64,
    /// Smallest expected count among the non-empty rows and columns; `None` when
    /// `df == 0`.
    pub min_expected: Option<f64>,
}

/// Result of [`fisher_exact_2xk`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FisherResult {
    /// Two-sided p-value, in `[0, 1]`.
    pub p_value: f64,
    /// How it was obtained: [`Method::FisherExact`], [`Method::FisherFreemanHalton`],
    /// [`Method::FisherMonteCarlo`], [`Method::NotTestable`], or, only for tables
    /// beyond [`MAX_MONTE_CARLO_TOTAL`], [`Method::ChiSquare`].
    pub method: Method,
    /// Number of tables enumerated by the exact test (`None` otherwise).
    pub tables: Option<u64>,
}

/// Settings of the Fisher test for tables larger than 2 × 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FisherOptions {
    /// Enumerate exactly only if there are at most this many tables with the observed
    /// margins; otherwise use Monte Carlo.
    pub max_tables: u64,
    /// Number of random tables for the Monte Carlo estimate (`B`).
    pub samples: u64,
    /// Seed of the Monte Carlo generator; the same seed gives the same p-value.
    pub seed: u64,
}

impl FisherOptions {
    /// Default bounds ([`DEFAULT_MAX_TABLES`], [`DEFAULT_MONTE_CARLO_SAMPLES`]) with
    /// the given seed.
    pub fn with_seed(seed: u64) -> Self {
        FisherOptions {
            max_tables: DEFAULT_MAX_TABLES,
            samples: DEFAULT_MONTE_CARLO_SAMPLES,
            seed,
        }
    }
}

impl Default for FisherOptions {
    /// Default bounds with seed 0.
    fn default() -> Self {
        FisherOptions::with_seed(0)
    }
}

/// Result of [`independence_test`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndependenceTest {
    /// The test that was used.
    pub method: Method,
    /// Chi-square statistic when `method` is [`Method::ChiSquare`], else `None`.
    pub statistic: Option<f64>,
    /// Degrees of freedom when `method` is [`Method::ChiSquare`], else `None`.
    pub df: Option<usize>,
    /// Two-sided p-value, in `[0, 1]`; 1 for [`Method::NotTestable`].
    pub p_value: f64,
    /// Smallest expected count under independence (non-empty rows and columns only),
    /// which decided between chi-square and Fisher; `None` when not testable.
    pub min_expected: Option<f64>,
}

/// Effect sizes for two groups, from [`two_group_effects`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoGroupEffects {
    /// Share of group 1 (column 0) that has the code; `None` if the group is empty.
    pub proportion_1: Option<f64>,
    /// Share of group 2 (column 1) that has the code; `None` if the group is empty.
    pub proportion_2: Option<f64>,
    /// `proportion_2 − proportion_1`; `None` if either group is empty.
    pub difference: Option<f64>,
    /// Odds of having the code in group 2 divided by the odds in group 1 (> 1: more
    /// common in group 2). `None` when a row or column margin is zero.
    pub odds_ratio: Option<f64>,
    /// 95 % Woolf (log) confidence interval `(lower, upper)` of the odds ratio.
    pub odds_ratio_ci: Option<(f64, f64)>,
    /// True when a cell was zero and 0.5 was added to every cell (Haldane–Anscombe)
    /// before computing the odds ratio and its interval.
    pub haldane: bool,
}

/// A table with its empty rows and columns removed.
struct Reduced {
    cells: Vec<Vec<u64>>,
    rows: Vec<u64>,
    cols: Vec<u64>,
    total: u64,
}

impl Reduced {
    fn new(table: &[Vec<u64>]) -> Reduced {
        let width = table.iter().map(Vec::len).max().unwrap_or(0);
        let cell = |i: usize, j: usize| table[i].get(j).copied().unwrap_or(0);
        let row_sums: Vec<u64> = table
            .iter()
            .map(|r| r.iter().fold(0u64, |s, &x| s.saturating_add(x)))
            .collect();
        let col_sums: Vec<u64> = (0..width)
            .map(|j| (0..table.len()).fold(0u64, |s, i| s.saturating_add(cell(i, j))))
            .collect();
        let keep_rows: Vec<usize> = (0..table.len()).filter(|&i| row_sums[i] > 0).collect();
        let keep_cols: Vec<usize> = (0..width).filter(|&j| col_sums[j] > 0).collect();
        let cells = keep_rows
            .iter()
            .map(|&i| keep_cols.iter().map(|&j| cell(i, j)).collect())
            .collect();
        let rows: Vec<u64> = keep_rows.iter().map(|&i| row_sums[i]).collect();
        let cols: Vec<u64> = keep_cols.iter().map(|&j| col_sums[j]).collect();
        let total = rows.iter().fold(0u64, |s, &x| s.saturating_add(x));
        Reduced {
            cells,
            rows,
            cols,
            total,
        }
    }

    fn testable(&self) -> bool {
        self.rows.len() >= 2 && self.cols.len() >= 2
    }

    fn transposed(&self) -> Reduced {
        let cells = (0..self.cols.len())
            .map(|j| self.cells.iter().map(|r| r[j]).collect())
            .collect();
        Reduced {
            cells,
            rows: self.cols.clone(),
            cols: self.rows.clone(),
            total: self.total,
        }
    }

    /// Smallest expected count `row × col / total`.
    fn min_expected(&self) -> f64 {
        let r = self.rows.iter().copied().min().unwrap_or(0) as f64;
        let c = self.cols.iter().copied().min().unwrap_or(0) as f64;
        r * c / self.total as f64
    }
}

fn ln_choose(n: u64, k: u64) -> f64 {
    if k > n {
        f64::NEG_INFINITY
    } else {
        ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
    }
}

/// Pearson's chi-square test of independence, without continuity correction (as
/// `scipy.stats.chi2_contingency(table, correction=False)`).
///
/// Rows and columns whose margin is zero are dropped first, so they neither produce
/// zero expected counts nor count in the degrees of freedom. If fewer than two rows or
/// two columns remain, the result has `statistic: None`, `df: 0`, `p_value: 1` and
/// `min_expected: None`.
pub fn chi_square(table: &[Vec<u64>]) -> ChiSquare {
    chi_square_reduced(&Reduced::new(table))
}

fn chi_square_reduced(t: &Reduced) -> ChiSquare {
    if !t.testable() {
        return ChiSquare {
            statistic: None,
            df: 0,
            p_value: 1.0,
            min_expected: None,
        };
    }
    let n = t.total as f64;
    let mut statistic = 0.0;
    for (i, row) in t.cells.iter().enumerate() {
        for (j, &observed) in row.iter().enumerate() {
            let expected = t.rows[i] as f64 * t.cols[j] as f64 / n;
            let d = observed as f64 - expected;
            statistic += d * d / expected;
        }
    }
    let df = (t.rows.len() - 1) * (t.cols.len() - 1);
    let p_value = ChiSquared::new(df as f64)
        .map(|d| d.sf(statistic))
        .unwrap_or(1.0);
    ChiSquare {
        statistic: Some(statistic),
        df,
        p_value: clean_p(p_value),
        min_expected: Some(t.min_expected()),
    }
}

/// Clamps a p-value into `[0, 1]`, mapping NaN to 1.
fn clean_p(p: f64) -> f64 {
    if p.is_nan() { 1.0 } else { p.clamp(0.0, 1.0) }
}

/// Cramér's V, `sqrt(X² / (n · (min(r, c) − 1)))`, without bias correction (as
/// `scipy.stats.contingency.association(table, method="cramer")`), computed on the
/// non-empty rows and columns. 0 when undefined (fewer than two non-empty rows or
/// columns).
pub fn cramers_v(table: &[Vec<u64>]) -> f64 {
    let t = Reduced::new(table);
    let Some(statistic) = chi_square_reduced(&t).statistic else {
        return 0.0;
    };
    let k = t.rows.len().min(t.cols.len()) - 1;
    let v = (statistic / (t.total as f64 * k as f64)).sqrt();
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Two-sided p-value of Fisher's exact test on a 2 × 2 table, as
/// `scipy.stats.fisher_exact(table).pvalue`: the total probability, under the
/// hypergeometric distribution with the observed margins, of the tables at most as
/// probable as the observed one (up to the relative [`TIE_TOLERANCE`]).
///
/// A table with a zero row or column margin gives 1. Cost is logarithmic in the
/// counts plus the length of the summed tails, so large counts are fine; tables with
/// a total above [`MAX_FISHER_TOTAL`] get the chi-square p-value instead.
pub fn fisher_exact_2x2(table: [[u64; 2]; 2]) -> f64 {
    let [[a, b], [c, d]] = table;
    let total = [a, b, c, d].iter().fold(0u64, |s, &x| s.saturating_add(x));
    if total > MAX_FISHER_TOTAL {
        return chi_square(&[vec![a, b], vec![c, d]]).p_value;
    }
    fisher_two_columns(a + b, a + c, b + d, a)
}

/// Exact two-sided p for a 2 × 2 table given as: first-row total `m`, column totals
/// `c1`, `c2`, and the observed count `x` in row 1, column 1.
fn fisher_two_columns(m: u64, c1: u64, c2: u64, x: u64) -> f64 {
    let n = c1 + c2;
    let lo = m.saturating_sub(c2);
    let hi = m.min(c1);
    if lo >= hi || x < lo || x > hi {
        return 1.0;
    }
    let norm = ln_choose(n, m);
    let log_pmf = |k: u64| ln_choose(c1, k) + ln_choose(c2, m - k) - norm;
    let mode = ((m as u128 + 1) * (c1 as u128 + 1) / (n as u128 + 2)) as u64;
    let mode = mode.clamp(lo, hi);
    let threshold = log_pmf(x) + TIE_TOLERANCE.ln_1p();
    if log_pmf(mode) <= threshold {
        return 1.0;
    }
    // The pmf is log-concave: non-decreasing on [lo, mode], non-increasing on
    // [mode, hi]. The qualifying tables are a prefix of the first and a suffix of the
    // second; the mode itself does not qualify.
    let mut p = 0.0;
    if mode > lo && log_pmf(lo) <= threshold {
        // Largest k in [lo, mode - 1] with log_pmf(k) <= threshold.
        let (mut good, mut bad) = (lo, mode);
        while bad - good > 1 {
            let mid = good + (bad - good) / 2;
            if log_pmf(mid) <= threshold {
                good = mid;
            } else {
                bad = mid;
            }
        }
        p += sum_tail(good, lo, false, &log_pmf);
    }
    if mode < hi && log_pmf(hi) <= threshold {
        // Smallest k in [mode + 1, hi] with log_pmf(k) <= threshold.
        let (mut bad, mut good) = (mode, hi);
        while good - bad > 1 {
            let mid = bad + (good - bad) / 2;
            if log_pmf(mid) <= threshold {
                good = mid;
            } else {
                bad = mid;
            }
        }
        p += sum_tail(good, hi, true, &log_pmf);
    }
    clean_p(p)
}

/// Sums `exp(log_pmf(k))` from `start` to `end` (upwards if `up`), a tail of a
/// log-concave pmf moving away from its mode. Stops early once the rest of the tail,
/// bounded by a geometric series, is negligible.
fn sum_tail(start: u64, end: u64, up: bool, log_pmf: &dyn Fn(u64) -> f64) -> f64 {
    let mut sum = 0.0;
    let mut previous = f64::NAN;
    let mut k = start;
    loop {
        let term = log_pmf(k).exp();
        if !term.is_finite() {
            break;
        }
        sum += term;
        if term == 0.0 {
            break;
        }
        // Ratio of successive terms; it only decreases further out (log-concavity).
        let ratio = term / previous;
        if ratio < 1.0 && term * ratio / (1.0 - ratio) <= sum * 1e-17 {
            break;
        }
        previous = term;
        if k == end {
            break;
        }
        k = if up { k + 1 } else { k - 1 };
    }
    sum
}

/// Two-sided Fisher–Freeman–Halton exact test for a 2 × k table (k × 2 is
/// transposed), the p-value being the total probability of the tables with the
/// observed margins that are at most as probable as the observed one (up to the
/// relative [`TIE_TOLERANCE`]), as R's `fisher.test`.
///
/// Empty rows and columns are dropped first. What happens then:
/// * fewer than two rows or columns: p = 1, [`Method::NotTestable`];
/// * 2 × 2: [`fisher_exact_2x2`], [`Method::FisherExact`];
/// * 2 × k with at most `options.max_tables` tables having the observed margins:
///   complete enumeration with hypergeometric probabilities in log space,
///   [`Method::FisherFreemanHalton`];
/// * otherwise, and for tables with more than two rows and columns: a Monte Carlo
///   estimate from `options.samples` random tables with the observed margins,
///   `p = (1 + #{P(random) ≤ P(observed)}) / (1 + B)` as R's
///   `fisher.test(simulate.p.value = TRUE)`, reproducible with `options.seed`
///   (ChaCha20), [`Method::FisherMonteCarlo`];
/// * in the unrealistic cases of a table whose total exceeds [`MAX_FISHER_TOTAL`],
///   or one that needs the Monte Carlo estimate with a total above
///   [`MAX_MONTE_CARLO_TOTAL`], the chi-square p-value is returned with
///   [`Method::ChiSquare`].
pub fn fisher_exact_2xk(table: &[Vec<u64>], options: &FisherOptions) -> FisherResult {
    fisher_reduced(&Reduced::new(table), options)
}

fn fisher_reduced(t: &Reduced, options: &FisherOptions) -> FisherResult {
    if !t.testable() {
        return FisherResult {
            p_value: 1.0,
            method: Method::NotTestable,
            tables: None,
        };
    }
    if t.total > MAX_FISHER_TOTAL {
        return chi_square_fallback(t);
    }
    let oriented;
    let two_rows = if t.rows.len() == 2 {
        Some(t)
    } else if t.cols.len() == 2 {
        oriented = t.transposed();
        Some(&oriented)
    } else {
        None
    };
    if let Some(t2) = two_rows {
        if t2.cols.len() == 2 {
            let c = &t2.cells;
            let p = fisher_exact_2x2([[c[0][0], c[0][1]], [c[1][0], c[1][1]]]);
            return FisherResult {
                p_value: p,
                method: Method::FisherExact,
                tables: None,
            };
        }
        // Enumerate the row with the smaller total.
        let r = usize::from(t2.rows[1] < t2.rows[0]);
        if let Some(count) = count_tables(t2.rows[r], &t2.cols, options.max_tables) {
            let p = enumerate_2xk(t2.rows[r], &t2.cols, &t2.cells[r]);
            return FisherResult {
                p_value: p,
                method: Method::FisherFreemanHalton,
                tables: Some(count),
            };
        }
    }
    if t.total > MAX_MONTE_CARLO_TOTAL {
        return chi_square_fallback(t);
    }
    FisherResult {
        p_value: monte_carlo(t, options.samples, options.seed),
        method: Method::FisherMonteCarlo {
            samples: options.samples,
            seed: options.seed,
        },
        tables: None,
    }
}

fn chi_square_fallback(t: &Reduced) -> FisherResult {
    FisherResult {
        p_value: chi_square_reduced(t).p_value,
        method: Method::ChiSquare,
        tables: None,
    }
}

/// Number of vectors `x` with `0 <= x_j <= cols[j]` and `sum x = m`, i.e. of 2 × k
/// tables with row totals `m`, `N - m` and column totals `cols`; `None` if it
/// exceeds `max` (or is too costly to count).
fn count_tables(m: u64, cols: &[u64], max: u64) -> Option<u64> {
    let work = (cols.len() as u64).saturating_mul(m.saturating_add(1));
    if work > MAX_COUNTING_WORK {
        return None;
    }
    let m = m as usize;
    let caps: Vec<usize> = cols.iter().map(|&c| c.min(m as u64) as usize).collect();
    // Capacity of the columns after column j.
    let mut after = vec![0usize; caps.len()];
    for j in (0..caps.len().saturating_sub(1)).rev() {
        after[j] = after[j + 1] + caps[j + 1];
    }
    // ways[s]: number of ways columns 0..=j can sum to s. Every entry that can still
    // be completed (s >= m - after[j]) is a lower bound on the final count, so values
    // stay at most `max` and the prefix sums below fit in u128.
    let mut ways = vec![0u128; m + 1];
    ways[0] = 1;
    let mut prefix = vec![0u128; m + 2];
    for (j, &cap) in caps.iter().enumerate() {
        for s in 0..=m {
            prefix[s + 1] = prefix[s] + ways[s];
        }
        let feasible_from = m.saturating_sub(after[j]);
        for s in 0..=m {
            ways[s] = if s < feasible_from {
                0
            } else {
                prefix[s + 1] - prefix[s.saturating_sub(cap)]
            };
            if ways[s] > u128::from(max) {
                return None;
            }
        }
    }
    u64::try_from(ways[m]).ok()
}

/// Exact Freeman–Halton p for a 2 × k table, enumerating the first row `x` (total
/// `m`, `observed`) over all vectors with `0 <= x_j <= cols[j]`. The probability of a
/// table is `prod_j C(cols[j], x_j) / C(N, m)`.
fn enumerate_2xk(m: u64, cols: &[u64], observed: &[u64]) -> f64 {
    let k = cols.len();
    let caps: Vec<u64> = cols.iter().map(|&c| c.min(m)).collect();
    // x_j can never be below floor[j] (the other columns cannot hold more), so the
    // log-binomials are tabulated from there: ln_c[j][i] = ln C(cols[j], floor[j] + i).
    let all_caps: u64 = caps.iter().sum();
    let floor: Vec<u64> = caps
        .iter()
        .map(|&cap| m.saturating_sub(all_caps - cap))
        .collect();
    let ln_c: Vec<Vec<f64>> = (0..k)
        .map(|j| {
            (floor[j]..=caps[j])
                .map(|x| ln_choose(cols[j], x))
                .collect()
        })
        .collect();
    let lnc = |j: usize, x: u64| ln_c[j][(x - floor[j]) as usize];
    let mut after = vec![0u64; k];
    for j in (0..k - 1).rev() {
        after[j] = after[j + 1] + caps[j + 1];
    }
    let total = cols.iter().fold(0u64, |s, &c| s.saturating_add(c));
    let norm = ln_choose(total, m);
    let observed_w: f64 = (0..k).map(|j| lnc(j, observed[j])).sum();
    let threshold = observed_w + TIE_TOLERANCE.ln_1p();

    // Odometer over x_0..x_{k-2}; x_{k-1} is what remains. w[j] is the log weight of
    // columns before j, rem[j] what columns j.. must still hold.
    let lowest = |j: usize, rem: u64| rem.saturating_sub(after[j]);
    let highest = |j: usize, rem: u64| caps[j].min(rem);
    let mut x = vec![0u64; k];
    let mut w = vec![0.0f64; k];
    let mut rem = vec![0u64; k];
    rem[0] = m;
    x[0] = lowest(0, m);
    let mut j = 0;
    let (mut p_le, mut p_all) = (0.0f64, 0.0f64);
    loop {
        while j < k - 1 {
            w[j + 1] = w[j] + lnc(j, x[j]);
            rem[j + 1] = rem[j] - x[j];
            j += 1;
            if j < k - 1 {
                x[j] = lowest(j, rem[j]);
            }
        }
        let leaf = w[k - 1] + lnc(k - 1, rem[k - 1]);
        let p = (leaf - norm).exp();
        p_all += p;
        if leaf <= threshold {
            p_le += p;
        }
        // Advance to the next vector.
        loop {
            if j == 0 {
                // Normalising by the enumerated total removes accumulated rounding.
                return if p_all > 0.0 {
                    clean_p(p_le / p_all)
                } else {
                    1.0
                };
            }
            j -= 1;
            if x[j] < highest(j, rem[j]) {
                x[j] += 1;
                break;
            }
        }
    }
}

/// Monte Carlo Fisher p-value for an r × c table with non-empty margins.
fn monte_carlo(t: &Reduced, samples: u64, seed: u64) -> f64 {
    // Under independence P(table) is proportional to 1 / prod x_ij!, so a table is at
    // most as probable as the observed one when its sum of ln x_ij! is at least the
    // observed sum (minus the tie tolerance).
    let score = |cells: &mut dyn Iterator<Item = u64>| cells.map(ln_factorial).sum::<f64>();
    let observed = score(&mut t.cells.iter().flatten().copied());
    let threshold = observed - TIE_TOLERANCE.ln_1p();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (r, c) = (t.rows.len(), t.cols.len());
    let mut row_left = vec![0u64; r];
    let mut hits = 0u64;
    for _ in 0..samples {
        // Fill column by column: the units of a column are a draw without replacement
        // from the units not yet placed, split by row (multivariate hypergeometric,
        // sampled one row at a time).
        row_left.copy_from_slice(&t.rows);
        let mut left = t.total;
        let mut s = 0.0;
        for &col in &t.cols[..c - 1] {
            let mut draws = col;
            let mut pool = left;
            for row in row_left.iter_mut().take(r - 1) {
                let x = hypergeometric(pool, *row, draws, &mut rng);
                s += ln_factorial(x);
                pool -= *row;
                draws -= x;
                *row -= x;
            }
            s += ln_factorial(draws);
            row_left[r - 1] -= draws;
            left -= col;
        }
        s += score(&mut row_left.iter().copied());
        if s >= threshold {
            hits += 1;
        }
    }
    clean_p((1.0 + hits as f64) / (1.0 + samples as f64))
}

/// Number of successes in `draws` draws without replacement from `pop` items of which
/// `succ` are successes. Inversion searching outwards from the mode, taking the
/// larger neighbouring probability first: about `sd` steps per draw.
fn hypergeometric(pop: u64, succ: u64, draws: u64, rng: &mut ChaCha20Rng) -> u64 {
    let fail = pop - succ;
    let lo = draws.saturating_sub(fail);
    let hi = draws.min(succ);
    if lo >= hi {
        return lo;
    }
    let mode = ((draws as u128 + 1) * (succ as u128 + 1) / (pop as u128 + 2)) as u64;
    let mode = mode.clamp(lo, hi);
    let p_mode =
        (ln_choose(succ, mode) + ln_choose(fail, draws - mode) - ln_choose(pop, draws)).exp();
    let (s, f, d) = (succ as f64, fail as f64, draws as f64);
    // pmf(k + 1) / pmf(k) and pmf(k - 1) / pmf(k).
    let up = |k: f64| (s - k) * (d - k) / ((k + 1.0) * (f - d + k + 1.0));
    let down = |k: f64| k * (f - d + k) / ((s - k + 1.0) * (d - k + 1.0));
    let u: f64 = rng.random();
    let mut acc = p_mode;
    if u < acc {
        return mode;
    }
    let (mut below, mut above) = (mode, mode);
    let (mut p_below, mut p_above) = (p_mode, p_mode);
    loop {
        let next_above = if above < hi {
            p_above * up(above as f64)
        } else {
            -1.0
        };
        let next_below = if below > lo {
            p_below * down(below as f64)
        } else {
            -1.0
        };
        if next_above < 0.0 && next_below < 0.0 {
            // Only reachable through rounding (u beyond the computed total).
            return mode;
        }
        if next_above >= next_below {
            above += 1;
            p_above = next_above;
            acc += p_above;
            if u < acc {
                return above;
            }
        } else {
            below -= 1;
            p_below = next_below;
            acc += p_below;
            if u < acc {
                return below;
            }
        }
    }
}

/// Tests independence of rows and columns, choosing the test as `thema compare`
/// reports it.
///
/// Empty rows and columns are dropped. If fewer than two rows or columns remain the
/// result is [`Method::NotTestable`] with p = 1. If every expected count is at least
/// [`MIN_EXPECTED_FOR_CHI_SQUARE`] (5), Pearson's chi-square test is used; otherwise
/// Fisher's test as [`fisher_exact_2xk`] with [`FisherOptions::with_seed`]`(seed)`:
/// exact for 2 × 2, Freeman–Halton enumeration for 2 × k up to
/// [`DEFAULT_MAX_TABLES`] tables, else Monte Carlo with
/// [`DEFAULT_MONTE_CARLO_SAMPLES`] random tables.
pub fn independence_test(table: &[Vec<u64>], seed: u64) -> IndependenceTest {
    independence_test_with(table, &FisherOptions::with_seed(seed))
}

/// [`independence_test`] with explicit Fisher settings.
pub fn independence_test_with(table: &[Vec<u64>], options: &FisherOptions) -> IndependenceTest {
    let t = Reduced::new(table);
    let chi = chi_square_reduced(&t);
    let Some(min_expected) = chi.min_expected else {
        return IndependenceTest {
            method: Method::NotTestable,
            statistic: None,
            df: None,
            p_value: 1.0,
            min_expected: None,
        };
    };
    if min_expected >= MIN_EXPECTED_FOR_CHI_SQUARE {
        return IndependenceTest {
            method: Method::ChiSquare,
            statistic: chi.statistic,
            df: Some(chi.df),
            p_value: chi.p_value,
            min_expected: Some(min_expected),
        };
    }
    let fisher = fisher_reduced(&t, options);
    let chi_fallback = fisher.method == Method::ChiSquare;
    IndependenceTest {
        method: fisher.method,
        statistic: chi.statistic.filter(|_| chi_fallback),
        df: Some(chi.df).filter(|_| chi_fallback),
        p_value: fisher.p_value,
        min_expected: Some(min_expected),
    }
}

/// Effect sizes for a code in two groups. `table[0]` counts the units that have the
/// code and `table[1]` those that have not; column 0 is group 1 and column 1 group 2.
///
/// * Proportions and their difference, group 2 minus group 1.
/// * Odds ratio, odds in group 2 over odds in group 1 (`(a₂·b₁)/(b₂·a₁)` with `a` =
///   has, `b` = has not), with a 95 % Woolf interval `exp(ln OR ± 1.96·sqrt(Σ 1/cell))`.
///   When any cell is zero, 0.5 is added to every cell first (Haldane–Anscombe) and
///   `haldane` is true. When a row or column margin is zero the odds ratio carries no
///   information and is `None`.
pub fn two_group_effects(table: [[u64; 2]; 2]) -> TwoGroupEffects {
    let [[has_1, has_2], [not_1, not_2]] = table.map(|r| r.map(|x| x as f64));
    let share = |has: f64, not: f64| (has + not > 0.0).then(|| has / (has + not));
    let proportion_1 = share(has_1, not_1);
    let proportion_2 = share(has_2, not_2);
    let difference = proportion_1.zip(proportion_2).map(|(p1, p2)| p2 - p1);
    let cells = [has_1, has_2, not_1, not_2];
    let empty_margin = has_1 + has_2 == 0.0
        || not_1 + not_2 == 0.0
        || has_1 + not_1 == 0.0
        || has_2 + not_2 == 0.0;
    let (mut odds_ratio, mut odds_ratio_ci, mut haldane) = (None, None, false);
    if !empty_margin {
        haldane = cells.contains(&0.0);
        let shift = if haldane { 0.5 } else { 0.0 };
        let [h1, h2, n1, n2] = cells.map(|x| x + shift);
        let ln_or = (h2.ln() + n1.ln()) - (n2.ln() + h1.ln());
        let se = (1.0 / h1 + 1.0 / h2 + 1.0 / n1 + 1.0 / n2).sqrt();
        odds_ratio = Some(ln_or.exp());
        odds_ratio_ci = Some(((ln_or - Z_975 * se).exp(), (ln_or + Z_975 * se).exp()));
    }
    TwoGroupEffects {
        proportion_1,
        proportion_2,
        difference,
        odds_ratio,
        odds_ratio_ci,
        haldane,
    }
}

/// Benjamini–Hochberg false discovery rate adjustment, as `statsmodels`
/// `multipletests(p, method="fdr_bh")`: q-values in input order, monotone in p,
/// capped at 1.
///
/// Non-finite inputs (NaN, e.g. a code that could not be tested) stay NaN in the
/// output and do not count in the number of tests `m`.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let mut q = vec![f64::NAN; p.len()];
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_finite()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let m = order.len() as f64;
    let mut running_min = f64::INFINITY;
    for (rank, &i) in order.iter().enumerate().rev() {
        running_min = running_min.min(p[i] * m / (rank + 1) as f64);
        q[i] = running_min.min(1.0);
    }
    q
}

#[cfg(test)]
mod tests {
    //! Reference values come from `tests/data/stats/contingency_reference.py`
    //! (output saved beside it as `contingency_reference.txt`), run with Python 3.11.7,
    //! numpy 2.4.6, scipy 1.17.1 and statsmodels 0.15.0: chi-square from
    //! `scipy.stats.chi2_contingency(correction=False)`, Cramér's V from
    //! `scipy.stats.contingency.association`, Fisher 2 × 2 from
    //! `scipy.stats.fisher_exact`, Freeman–Halton p-values from an exact
    //! integer-arithmetic enumeration in that script (cross-checked with scipy's exact
    //! permutation test and its Monte Carlo estimate), odds ratios from statsmodels
    //! `Table2x2` and q-values from statsmodels `multipletests(method="fdr_bh")`.

    use super::*;
    use std::time::Instant;

    /// Asserts `actual` is within relative tolerance `rel` of `expected`.
    #[track_caller]
    fn assert_rel(actual: f64, expected: f64, rel: f64) {
        let ok = if expected == 0.0 {
            actual == 0.0
        } else {
            (actual - expected).abs() <= rel * expected.abs()
        };
        assert!(ok, "actual {actual:e}, expected {expected:e} (rel {rel:e})");
    }

    const REL: f64 = 1e-6;

    fn t(rows: &[&[u64]]) -> Vec<Vec<u64>> {
        rows.iter().map(|r| r.to_vec()).collect()
    }

    #[test]
    fn chi_square_matches_scipy() {
        // (table, statistic, df, p, min expected, Cramér's V)
        type Case = (&'static [&'static [u64]], f64, usize, f64, f64, f64);
        let cases: [Case; 5] = [
            (
                &[&[20, 10], &[12, 18]],
                4.285714285714286,
                1,
                0.03843393023678176,
                14.0,
                0.2672612419124244,
            ),
            (
                &[&[12, 5, 9], &[8, 15, 11]],
                5.02262443438914,
                2,
                0.08116166759785086,
                8.666666666666666,
                0.2893275086123319,
            ),
            (
                &[&[10, 14, 6, 20], &[15, 9, 18, 8]],
                13.229813664596273,
                3,
                0.0041650814781734324,
                11.5,
                0.3637281081329332,
            ),
            (
                &[&[10, 12, 8], &[7, 15, 9], &[11, 6, 14]],
                6.674166069795621,
                4,
                0.15414199984132038,
                9.130434782608695,
                0.19045377833918617,
            ),
            (
                &[&[40, 5], &[5, 40]],
                54.44444444444444,
                1,
                1.599051242400399e-13,
                22.5,
                0.7777777777777778,
            ),
        ];
        for (rows, statistic, df, p, min_expected, v) in cases {
            let table = t(rows);
            let r = chi_square(&table);
            assert_rel(r.statistic.unwrap(), statistic, REL);
            assert_eq!(r.df, df);
            assert_rel(r.p_value, p, REL);
            assert_rel(r.min_expected.unwrap(), min_expected, REL);
            assert_rel(cramers_v(&table), v, REL);
        }
    }

    #[test]
    fn chi_square_drops_empty_column() {
        // scipy on the reduced table [[3, 4], [2, 6]] (scipy itself refuses zero margins).
        let table = t(&[&[3, 0, 4], &[2, 0, 6]]);
        let r = chi_square(&table);
        assert_eq!(r.df, 1);
        assert_rel(r.statistic.unwrap(), 0.5357142857142857, REL);
        assert_rel(r.p_value, 0.4642143127710313, REL);
        assert_rel(r.min_expected.unwrap(), 2.3333333333333335, REL);
        assert_rel(cramers_v(&table), 0.1889822365046136, REL);
    }

    #[test]
    fn fisher_2x2_matches_scipy() {
        let cases: [([[u64; 2]; 2], f64); 8] = [
            ([[8, 2], [1, 5]], 0.034965034965034975),
            // two tables exactly as probable as the observed one (a tie)
            ([[3, 1], [1, 3]], 0.48571428571428565),
            ([[2, 10], [15, 3]], 0.0005367241191434357),
            ([[0, 7], [5, 3]], 0.02564102564102564),
            ([[500, 3], [480, 20]], 0.00023044112766477633),
            ([[30, 0], [0, 30]], 1.6911233892144735e-17),
            ([[5, 5], [5, 5]], 1.0),
            ([[1_000_000, 5], [990_000, 30]], 1.1826062100193589e-05),
        ];
        for (table, p) in cases {
            assert_rel(fisher_exact_2x2(table), p, REL);
            // Transposing or swapping rows/columns does not change the two-sided p.
            let [[a, b], [c, d]] = table;
            assert_rel(fisher_exact_2x2([[a, c], [b, d]]), p, REL);
            assert_rel(fisher_exact_2x2([[c, d], [a, b]]), p, REL);
            assert_rel(fisher_exact_2x2([[b, a], [d, c]]), p, REL);
        }
    }

    #[test]
    fn freeman_halton_matches_brute_force() {
        // (table, p by exact integer enumeration, number of tables)
        let cases: [(&[&[u64]], f64, u64); 6] = [
            (&[&[3, 1, 5], &[4, 6, 1]], 0.05944272445820433, 43),
            (&[&[1, 3, 1], &[3, 1, 3]], 0.45454545454545453, 18),
            (&[&[1, 4, 0, 3], &[5, 2, 6, 1]], 0.027779341401632424, 133),
            (
                &[&[2, 5, 1, 6, 0], &[6, 2, 7, 1, 8]],
                0.0007494091170139894,
                2262,
            ),
            (&[&[0, 6, 7], &[9, 2, 1]], 0.00018306636155606407, 65),
            // also scipy's exact permutation test: 0.14285714285714285
            (&[&[3, 0, 1], &[0, 3, 2]], 0.14285714285714285, 12),
        ];
        let options = FisherOptions::default();
        for (rows, p, tables) in cases {
            let table = t(rows);
            let r = fisher_exact_2xk(&table, &options);
            assert_eq!(r.method, Method::FisherFreemanHalton);
            assert_eq!(r.tables, Some(tables));
            assert_rel(r.p_value, p, REL);
            // Swapping the rows or transposing (k × 2) gives the same result.
            let swapped = vec![table[1].clone(), table[0].clone()];
            assert_rel(fisher_exact_2xk(&swapped, &options).p_value, p, REL);
            let transposed: Vec<Vec<u64>> = (0..table[0].len())
                .map(|j| vec![table[0][j], table[1][j]])
                .collect();
            let r = fisher_exact_2xk(&transposed, &options);
            assert_eq!(r.method, Method::FisherFreemanHalton);
            assert_rel(r.p_value, p, REL);
        }
    }

    #[test]
    fn freeman_halton_largest_case_and_timing() {
        // 1 221 759 tables; exact p from the brute-force enumeration in the script.
        let table = t(&[&[10, 6, 9, 4, 8, 3], &[50, 54, 51, 56, 52, 57]]);
        let start = Instant::now();
        let r = fisher_exact_2xk(&table, &FisherOptions::default());
        let elapsed = start.elapsed();
        eprintln!("enumerated {:?} tables in {elapsed:?}", r.tables);
        assert_eq!(r.method, Method::FisherFreemanHalton);
        assert_eq!(r.tables, Some(1_221_759));
        assert_rel(r.p_value, 0.239915266699981, REL);
    }

    #[test]
    #[ignore = "about 1 s in a debug build; run with --ignored to time the enumeration"]
    fn freeman_halton_near_bound() {
        // 9 366 819 tables, just under DEFAULT_MAX_TABLES; p from the script.
        let table = t(&[&[4, 9, 3, 7, 5, 8, 4], &[56, 51, 57, 53, 55, 52, 56]]);
        let start = Instant::now();
        let r = fisher_exact_2xk(&table, &FisherOptions::default());
        eprintln!("enumerated {:?} tables in {:?}", r.tables, start.elapsed());
        assert_eq!(r.tables, Some(9_366_819));
        assert_rel(r.p_value, 0.44134630524434604, REL);
    }

    #[test]
    fn enumeration_bound_switches_to_monte_carlo() {
        // 10 295 472 tables > DEFAULT_MAX_TABLES: counted (and refused) quickly.
        let table = t(&[&[5, 3, 4, 2, 6, 4, 3, 3], &[35, 37, 36, 38, 34, 36, 37, 37]]);
        let options = FisherOptions {
            max_tables: DEFAULT_MAX_TABLES,
            samples: 2_000,
            seed: 3,
        };
        assert_eq!(count_tables(30, &[40; 8], DEFAULT_MAX_TABLES), None);
        assert_eq!(count_tables(30, &[40; 8], u64::MAX), Some(10_295_472));
        let r = fisher_exact_2xk(&table, &options);
        assert_eq!(
            r.method,
            Method::FisherMonteCarlo {
                samples: 2_000,
                seed: 3
            }
        );
    }

    #[test]
    fn fisher_2xk_reduces_to_2x2() {
        let r = fisher_exact_2xk(&t(&[&[8, 0, 2], &[1, 0, 5]]), &FisherOptions::default());
        assert_eq!(r.method, Method::FisherExact);
        assert_rel(r.p_value, 0.034965034965034975, REL);
    }

    /// Monte Carlo estimate within `sigmas` standard errors (plus the 1/(B+1) offset)
    /// of the exact p.
    #[track_caller]
    fn assert_monte_carlo_close(estimate: f64, exact: f64, samples: u64, sigmas: f64) {
        let se = (exact * (1.0 - exact) / samples as f64).sqrt();
        let slack = sigmas * se + 1.0 / (samples as f64 + 1.0);
        assert!(
            (estimate - exact).abs() <= slack,
            "Monte Carlo {estimate} vs exact {exact} (allowed {slack})"
        );
    }

    #[test]
    fn monte_carlo_is_reproducible_and_close_to_exact() {
        let samples = 20_000;
        let forced = |seed| FisherOptions {
            max_tables: 0,
            samples,
            seed,
        };
        for (rows, exact) in [
            (
                &[&[1u64, 4, 0, 3][..], &[5, 2, 6, 1]][..],
                0.027779341401632424,
            ),
            (&[&[3, 1, 5], &[4, 6, 1]], 0.05944272445820433),
            (&[&[2, 5, 1, 6, 0], &[6, 2, 7, 1, 8]], 0.0007494091170139894),
            (&[&[1, 3, 1], &[3, 1, 3]], 0.45454545454545453),
        ] {
            let table = t(rows);
            let a = fisher_exact_2xk(&table, &forced(7));
            let b = fisher_exact_2xk(&table, &forced(7));
            assert_eq!(a, b, "same seed, same estimate");
            assert_eq!(a.method, Method::FisherMonteCarlo { samples, seed: 7 });
            assert_monte_carlo_close(a.p_value, exact, samples, 4.5);
            let c = fisher_exact_2xk(&table, &forced(8));
            assert_monte_carlo_close(c.p_value, exact, samples, 4.5);
        }
    }

    #[test]
    fn monte_carlo_r_by_c_close_to_exact() {
        // 3 × 3: never enumerated here, always Monte Carlo. Exact p from enumerating
        // all 215 tables with these margins (rational arithmetic) in the script.
        let table = t(&[&[3, 1, 0], &[1, 2, 3], &[0, 2, 4]]);
        let options = FisherOptions {
            max_tables: DEFAULT_MAX_TABLES,
            samples: 20_000,
            seed: 2024,
        };
        let r = fisher_exact_2xk(&table, &options);
        assert_eq!(
            r.method,
            Method::FisherMonteCarlo {
                samples: 20_000,
                seed: 2024
            }
        );
        assert_monte_carlo_close(r.p_value, 0.11122211122211122, 20_000, 4.5);
        assert_eq!(r, fisher_exact_2xk(&table, &options));
    }

    #[test]
    fn independence_test_chooses_method() {
        // All expected >= 5: chi-square.
        let r = independence_test(&t(&[&[12, 5, 9], &[8, 15, 11]]), 1);
        assert_eq!(r.method, Method::ChiSquare);
        assert_eq!(r.method.to_string(), "chi-square");
        assert_rel(r.statistic.unwrap(), 5.02262443438914, REL);
        assert_eq!(r.df, Some(2));
        assert_rel(r.p_value, 0.08116166759785086, REL);

        // 2 × 2 with small expected counts: Fisher exact.
        let r = independence_test(&t(&[&[8, 2], &[1, 5]]), 1);
        assert_eq!(r.method, Method::FisherExact);
        assert_eq!(r.method.to_string(), "Fisher exact");
        assert_eq!((r.statistic, r.df), (None, None));
        assert_rel(r.p_value, 0.034965034965034975, REL);

        // The zero column is dropped before choosing: 2 × 2 Fisher.
        let r = independence_test(&t(&[&[3, 0, 4], &[2, 0, 6]]), 1);
        assert_eq!(r.method, Method::FisherExact);
        assert_rel(r.min_expected.unwrap(), 2.3333333333333335, REL);

        // 2 × 3 with small expected counts: Freeman–Halton.
        let r = independence_test(&t(&[&[3, 1, 5], &[4, 6, 1]]), 1);
        assert_eq!(r.method, Method::FisherFreemanHalton);
        assert_eq!(r.method.to_string(), "Fisher exact (Freeman-Halton)");
        assert_rel(r.p_value, 0.05944272445820433, REL);

        // Enumeration bound exceeded: Monte Carlo, labelled with B and the seed.
        let options = FisherOptions {
            max_tables: 100,
            samples: 5_000,
            seed: 99,
        };
        let r = independence_test_with(&t(&[&[2, 5, 1, 6, 0], &[6, 2, 7, 1, 8]]), &options);
        assert_eq!(r.method.to_string(), "Fisher Monte Carlo (B=5000, seed=99)");
        assert!(r.p_value > 0.0 && r.p_value < 0.01);

        // r × c with small expected counts: Monte Carlo with the default B.
        let r = independence_test(&t(&[&[3, 1, 0], &[1, 2, 3], &[0, 2, 4]]), 5);
        assert_eq!(
            r.method.to_string(),
            "Fisher Monte Carlo (B=100000, seed=5)"
        );
    }

    #[test]
    fn two_group_effects_match_statsmodels() {
        // Zero cell: Haldane–Anscombe, statsmodels Table2x2 on the table + 0.5.
        let e = two_group_effects([[0, 6], [8, 4]]);
        assert!(e.haldane);
        assert_eq!(e.proportion_1, Some(0.0));
        assert_rel(e.proportion_2.unwrap(), 0.6, REL);
        assert_rel(e.difference.unwrap(), 0.6, REL);
        assert_rel(e.odds_ratio.unwrap(), 24.555555555555557, REL);
        let (lo, hi) = e.odds_ratio_ci.unwrap();
        assert_rel(lo, 1.111666850316918, REL);
        assert_rel(hi, 542.4064848835574, REL);

        let e = two_group_effects([[7, 12], [9, 4]]);
        assert!(!e.haldane);
        assert_rel(e.proportion_1.unwrap(), 0.4375, REL);
        assert_rel(e.proportion_2.unwrap(), 0.75, REL);
        assert_rel(e.difference.unwrap(), 0.3125, REL);
        assert_rel(e.odds_ratio.unwrap(), 3.857142857142857, REL);
        let (lo, hi) = e.odds_ratio_ci.unwrap();
        assert_rel(lo, 0.8588993542312731, REL);
        assert_rel(hi, 17.321646531826527, REL);
    }

    #[test]
    fn two_group_effects_degenerate() {
        // Empty group 2: no proportion, no difference, no odds ratio.
        let e = two_group_effects([[3, 0], [5, 0]]);
        assert_rel(e.proportion_1.unwrap(), 0.375, REL);
        assert_eq!(e.proportion_2, None);
        assert_eq!(e.difference, None);
        assert_eq!(
            (e.odds_ratio, e.odds_ratio_ci, e.haldane),
            (None, None, false)
        );
        // Nobody has the code: proportions 0, difference 0, odds ratio undefined.
        let e = two_group_effects([[0, 0], [5, 7]]);
        assert_eq!(e.difference, Some(0.0));
        assert_eq!(e.odds_ratio, None);
        // All zero.
        let e = two_group_effects([[0, 0], [0, 0]]);
        assert_eq!(
            (e.proportion_1, e.difference, e.odds_ratio),
            (None, None, None)
        );
    }

    #[test]
    fn benjamini_hochberg_matches_statsmodels() {
        let p = [0.01, 0.04, 0.03, 0.005, 0.2, f64::NAN, 0.039, 0.5];
        let expected = [
            0.035,
            0.056,
            0.056,
            0.035,
            0.23333333333333336,
            f64::NAN,
            0.056,
            0.5,
        ];
        let q = benjamini_hochberg(&p);
        assert_eq!(q.len(), p.len());
        for (a, e) in q.iter().zip(expected) {
            if e.is_nan() {
                assert!(a.is_nan());
            } else {
                assert_rel(*a, e, REL);
            }
        }

        let p = [0.02, 0.02, 0.9, 0.001, 0.95];
        let expected = [0.03333333333333333, 0.03333333333333333, 0.95, 0.005, 0.95];
        for (a, e) in benjamini_hochberg(&p).iter().zip(expected) {
            assert_rel(*a, e, REL);
        }

        // Capped at 1, empty input, only NaN.
        assert_eq!(benjamini_hochberg(&[0.9, 0.8, 1.0]), vec![1.0, 1.0, 1.0]);
        assert!(benjamini_hochberg(&[]).is_empty());
        assert!(benjamini_hochberg(&[f64::NAN])[0].is_nan());
    }

    #[test]
    fn degenerate_tables_are_not_testable() {
        let cases: Vec<Vec<Vec<u64>>> = vec![
            vec![],
            vec![vec![]],
            vec![vec![0, 0], vec![0, 0]],
            vec![vec![0, 0], vec![5, 6]],
            vec![vec![0, 0, 0], vec![5, 6, 7]],
            vec![vec![3], vec![5]],
            vec![vec![3, 0], vec![5, 0]],
            vec![vec![4, 2, 7]],
            vec![vec![1, 2, 3], vec![]],
        ];
        for table in &cases {
            let chi = chi_square(table);
            assert_eq!(
                chi,
                ChiSquare {
                    statistic: None,
                    df: 0,
                    p_value: 1.0,
                    min_expected: None
                },
                "{table:?}"
            );
            let fisher = fisher_exact_2xk(table, &FisherOptions::default());
            assert_eq!((fisher.p_value, fisher.method), (1.0, Method::NotTestable));
            let r = independence_test(table, 0);
            assert_eq!(r.method, Method::NotTestable);
            assert_eq!(r.method.to_string(), "not testable");
            assert_eq!((r.statistic, r.df, r.p_value), (None, None, 1.0));
            assert_eq!(cramers_v(table), 0.0);
        }
        assert_eq!(fisher_exact_2x2([[0, 0], [5, 6]]), 1.0);
        assert_eq!(fisher_exact_2x2([[0, 0], [0, 0]]), 1.0);
        assert_eq!(fisher_exact_2x2([[0, 4], [0, 6]]), 1.0);
    }

    #[test]
    fn ragged_rows_count_missing_cells_as_zero() {
        let ragged = t(&[&[12, 5, 9], &[8, 15]]);
        let padded = t(&[&[12, 5, 9], &[8, 15, 0]]);
        assert_eq!(chi_square(&ragged), chi_square(&padded));
        assert_eq!(independence_test(&ragged, 3), independence_test(&padded, 3));
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let big = u64::MAX;
        let tables = [
            t(&[&[big, big], &[big, 0]]),
            t(&[&[big, 1, 0], &[1, big, 3]]),
            t(&[&[1 << 40, 1], &[1, 1 << 40]]),
            t(&[&[3_000_000, 1, 2], &[3_000_000, 2, 1]]),
            t(&[&[1; 40], &[1; 40]]),
            t(&[&[0, 1, 0, 1], &[1, 0, 1, 0], &[0, 0, 0, 0], &[2, 0, 0, 1]]),
        ];
        let options = FisherOptions {
            max_tables: DEFAULT_MAX_TABLES,
            samples: 200,
            seed: 1,
        };
        for table in &tables {
            let r = independence_test_with(table, &options);
            assert!((0.0..=1.0).contains(&r.p_value), "{table:?}: {r:?}");
            let f = fisher_exact_2xk(table, &options);
            assert!((0.0..=1.0).contains(&f.p_value), "{table:?}: {f:?}");
            let v = cramers_v(table);
            assert!((0.0..=1.0).contains(&v), "{table:?}: {v}");
            assert!(!chi_square(table).p_value.is_nan());
        }
        for table in [
            [[big, big], [big, 0]],
            [[big, 0], [0, big]],
            [[1 << 33, 1], [2, 3]],
        ] {
            let p = fisher_exact_2x2(table);
            assert!((0.0..=1.0).contains(&p), "{table:?}: {p}");
            let _ = two_group_effects(table);
        }
    }
}
