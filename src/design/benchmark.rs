//! The nonparametric optimal benchmark (O'Quigley, Paoletti & Maccario
//! 2002): what N patients could tell with complete information.
//!
//! Each patient has a tolerance u ~ U(0, 1) and would have a DLT at dose d
//! iff u < p_d (the engine's tolerances, so the benchmark sees the very
//! patients the designs of a run treat). Were every patient observed at
//! every dose, the count c_d of patients with a DLT at d would estimate p_d
//! as c_d / N, and the benchmark selects the dose whose estimate is closest
//! to the target — the lowest such dose on an exact tie, comparing
//! |c_d − N·target| in integers with the target as written (its shortest
//! decimal: 0.3 is 3/10, so |8 − 9| and |10 − 9| tie, as they do not in
//! binary). No design using N patients can do much better, so it is the
//! yardstick of Phase I methods papers.
//!
//! It treats nobody, so it is no [`Design`] that decides cohort by cohort:
//! it offers itself through [`Design::as_benchmark`], and its `start`
//! treats nobody, which every engine refuses, so a path that forgot to ask
//! fails loudly instead of counting a wrong answer.

use super::{Decision, Design, MAX_SAMPLE_SIZE, Observed, SpecError};
use crate::engine::binomial_pmf;
use crate::truth::Truth;
use std::collections::BTreeMap;

/// The benchmark for one number of doses and patients.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    doses: usize,
    max_n: u32,
    target: f64,
    /// The target as a decimal fraction: numerator over denominator.
    target_fraction: (i128, i128),
}

impl Benchmark {
    /// The benchmark with `max_n` patients for `doses` doses and `target`.
    pub fn new(target: f64, max_n: u32, doses: usize) -> Result<Self, SpecError> {
        if !(1..=MAX_SAMPLE_SIZE).contains(&max_n) {
            return Err(SpecError {
                field: "max_n",
                problem: format!(
                    "= {max_n}: expected the number of patients, 1 to {MAX_SAMPLE_SIZE}"
                ),
            });
        }
        let target_fraction = decimal_fraction(target).ok_or_else(|| SpecError {
            field: "target",
            problem: format!("= {target}: expected a probability in (0, 1) of at most 30 decimals"),
        })?;
        Ok(Benchmark {
            doses,
            max_n,
            target,
            target_fraction,
        })
    }

    /// The number of patients N.
    pub fn max_n(&self) -> u32 {
        self.max_n
    }

    /// Whether [`Benchmark::selection`] is quick: its work grows as
    /// K² (N + 1)³, about 0.5 s at the bound (N = 60 at K = 10; N = 120 at
    /// K = 5). Beyond, Monte Carlo is faster for any useful precision.
    pub fn exact_is_quick(&self) -> bool {
        let (k, n) = (self.doses as f64, f64::from(self.max_n) + 1.0);
        k * k * n * n * n <= 5e7
    }

    pub fn target(&self) -> f64 {
        self.target
    }

    /// |c·den − N·num|: N·den times the distance of c/N from the target.
    fn distance(&self, count: u32) -> i128 {
        let (num, den) = self.target_fraction;
        (i128::from(count) * den - i128::from(self.max_n) * num).abs()
    }

    /// Whether dose `a` with `ca` DLTs beats dose `b` with `cb`: closer to
    /// the target, or as close and lower.
    fn beats(&self, (a, ca): (usize, u32), (b, cb): (usize, u32)) -> bool {
        (self.distance(ca), a) < (self.distance(cb), b)
    }

    /// The dose (0-based) selected when `counts[d]` of the N patients have
    /// a DLT at dose d.
    pub fn select(&self, counts: &[u32]) -> usize {
        (1..self.doses).fold(0, |best, d| {
            if self.beats((d, counts[d]), (best, counts[best])) {
                d
            } else {
                best
            }
        })
    }

    /// P(each dose is selected) on `truth`, exactly: the counts are sums of
    /// the multinomial numbers of tolerances between successive p's, built
    /// up dose by dose in increasing p, carrying the best dose so far and
    /// its count.
    pub fn selection(&self, truth: &Truth) -> Vec<f64> {
        let p = &truth.p_dlt;
        let n = self.max_n;
        let mut order: Vec<usize> = (0..self.doses).collect();
        order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
        // (patients with u < the current p, best dose, its count) → mass.
        let mut states: BTreeMap<(u32, usize, u32), f64> = BTreeMap::new();
        let (first, rest) = order.split_first().expect("a benchmark has doses");
        for c in 0..=n {
            let w = binomial_pmf(n, c, p[*first]);
            if w > 0.0 {
                states.insert((c, *first, c), w);
            }
        }
        let mut below = p[*first];
        for &d in rest {
            // The rest of the patients fall below p_d with this probability.
            let q = if below >= 1.0 {
                0.0
            } else {
                ((p[d] - below) / (1.0 - below)).clamp(0.0, 1.0)
            };
            below = p[d];
            let mut next = BTreeMap::new();
            for ((c, best, c_best), mass) in states {
                for more in 0..=n - c {
                    let w = binomial_pmf(n - c, more, q);
                    if w == 0.0 {
                        continue;
                    }
                    let cd = c + more;
                    let (best, c_best) = if self.beats((d, cd), (best, c_best)) {
                        (d, cd)
                    } else {
                        (best, c_best)
                    };
                    *next.entry((cd, best, c_best)).or_insert(0.0) += mass * w;
                }
            }
            states = next;
        }
        let mut selected = vec![0.0; self.doses];
        for ((_, best, _), mass) in states {
            selected[best] += mass;
        }
        selected
    }
}

/// `x` as the fraction of its shortest decimal form (Rust prints the
/// shortest string that reads back as the same `f64`): 0.3 → 3/10.
fn decimal_fraction(x: f64) -> Option<(i128, i128)> {
    if !(x > 0.0 && x < 1.0) {
        return None;
    }
    let text = format!("{x}");
    let digits = text.strip_prefix("0.")?;
    if digits.len() > 30 {
        return None;
    }
    let num: i128 = digits.parse().ok()?;
    Some((num, 10i128.pow(digits.len() as u32)))
}

impl Design for Benchmark {
    fn num_doses(&self) -> usize {
        self.doses
    }

    fn max_cohort(&self) -> u32 {
        1
    }

    fn max_patients_per_dose(&self) -> u32 {
        0
    }

    fn max_sample_size(&self) -> u32 {
        0
    }

    /// Treats nobody: an engine that runs the benchmark cohort by cohort
    /// instead of through [`Design::as_benchmark`] stops with an error.
    fn start(&self) -> Decision {
        Decision::Treat {
            dose: 0,
            patients: 0,
        }
    }

    fn decide(&self, _seen: &Observed<'_>) -> Decision {
        self.start()
    }

    fn as_benchmark(&self) -> Option<&Benchmark> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_as_their_decimals() {
        assert_eq!(decimal_fraction(0.3), Some((3, 10)));
        assert_eq!(decimal_fraction(0.25), Some((25, 100)));
        assert_eq!(decimal_fraction(1.0), None);
        assert_eq!(decimal_fraction(f64::NAN), None);
    }

    #[test]
    fn selection_is_closest_to_target_and_lowest_on_ties() {
        let b = Benchmark::new(0.3, 30, 4).unwrap();
        // 8/30 and 10/30 are equally far from 0.3: the lower dose.
        assert_eq!(b.select(&[2, 8, 10, 20]), 1);
        assert_eq!(b.select(&[2, 7, 10, 20]), 2);
        // Every estimate below: the one nearest, which is the top dose.
        assert_eq!(b.select(&[0, 1, 2, 3]), 3);
        assert_eq!(b.select(&[29, 30, 30, 30]), 0);
    }

    #[test]
    fn exact_selection_sums_to_one_and_matches_a_hand_case() {
        // One patient, two doses: dose 2 is chosen iff the patient has no
        // DLT at dose 1 but one at dose 2 (|1 − 0.3| > |0 − 0.3|, so a DLT
        // at both picks dose 1; none at both picks dose 1 too).
        let b = Benchmark::new(0.3, 1, 2).unwrap();
        let truth = Truth::new("t", vec![0.2, 0.5]).unwrap();
        let s = b.selection(&truth);
        assert!((s[0] - 1.0).abs() < 1e-15 && s[1].abs() < 1e-15, "{s:?}");
        let b = Benchmark::new(0.6, 1, 2).unwrap();
        let s = b.selection(&truth);
        // Target 0.6: a DLT (count 1) is closer; dose 2 wins iff u ∈ [0.2, 0.5).
        assert!(
            (s[1] - 0.3).abs() < 1e-15 && (s[0] - 0.7).abs() < 1e-15,
            "{s:?}"
        );
    }

    /// P(each dose selected), listing every way N patients' tolerances can
    /// fall among the cells the sorted p's cut [0, 1] into.
    fn brute_force(b: &Benchmark, p: &[f64]) -> Vec<f64> {
        let mut cuts = p.to_vec();
        cuts.sort_by(f64::total_cmp);
        let widths: Vec<f64> = (0..=cuts.len())
            .map(|j| {
                let lo = if j == 0 { 0.0 } else { cuts[j - 1] };
                let hi = cuts.get(j).copied().unwrap_or(1.0);
                hi - lo
            })
            .collect();
        // A patient in cell j, [cuts[j − 1], cuts[j]), has a DLT at dose d
        // iff cuts[j] ≤ p_d: iff j is at most p_d's first place among the
        // cuts (cells between equal cuts are empty).
        let rank: Vec<usize> = p
            .iter()
            .map(|&pd| cuts.iter().position(|&c| c == pd).unwrap())
            .collect();
        let cells = widths.len();
        let n = b.max_n() as usize;
        let mut selected = vec![0.0; p.len()];
        for code in 0..cells.pow(n as u32) {
            let (mut counts, mut mass, mut rest) = (vec![0u32; p.len()], 1.0, code);
            for _ in 0..n {
                let cell = rest % cells;
                rest /= cells;
                mass *= widths[cell];
                for d in 0..p.len() {
                    counts[d] += u32::from(cell <= rank[d]);
                }
            }
            selected[b.select(&counts)] += mass;
        }
        selected
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(2002),
            failure_persistence: None,
            ..Default::default()
        })]

        #[test]
        fn exact_selection_is_the_brute_force_sum(
            p in proptest::collection::vec(
                proptest::prop_oneof![1 => proptest::strategy::Just(0.0), 1 => proptest::strategy::Just(1.0), 6 => 0.0..=1.0f64],
                1..=3,
            ),
            n in 1..=5u32,
            target in proptest::sample::select(vec![0.2, 0.25, 0.3, 1.0 / 3.0, 0.5]),
        ) {
            let b = Benchmark::new(target, n, p.len()).unwrap();
            let truth = Truth::new("t", p.clone()).unwrap();
            let exact = b.selection(&truth);
            let listed = brute_force(&b, &p);
            for (e, l) in exact.iter().zip(&listed) {
                proptest::prop_assert!((e - l).abs() < 1e-12, "{:?} n {}: {:?} vs {:?}", p, n, exact, listed);
            }
        }
    }

    #[test]
    fn large_benchmarks_are_left_to_monte_carlo() {
        assert!(Benchmark::new(0.3, 24, 5).unwrap().exact_is_quick());
        assert!(Benchmark::new(0.3, 60, 10).unwrap().exact_is_quick());
        assert!(!Benchmark::new(0.3, 200, 10).unwrap().exact_is_quick());
    }

    #[test]
    fn it_refuses_to_be_run_cohort_by_cohort() {
        let b = Benchmark::new(0.3, 24, 3).unwrap();
        let invalid = crate::design::check_decision(&b, b.start(), |_| 0, 0);
        assert!(invalid.is_err());
    }
}
