//! Paired design comparisons: the Monte Carlo difference between two designs
//! lands within 4 paired standard errors of the exact difference, the paired
//! standard error has the size of the differences' actual spread over seeds,
//! and designs that behave identically differ by exactly 0 ± 0.

use dosesim::compare::Comparison;
use dosesim::run::{MethodChoice, ScenarioRun};
use dosesim::scenario::Scenario;
use dosesim::summary::Method;
use std::path::Path;

fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("test.toml")).unwrap()
}

const THREE_PRESETS: &str = r#"
[[design]]
preset = "storer"
[[design]]
preset = "korn"
[[design]]
preset = "strict"
"#;

fn with_truths(curves: &[&[f64]], trials: u64, seed: u64) -> Scenario {
    let mut text = String::new();
    for (i, p) in curves.iter().enumerate() {
        text += &format!("[[truth]]\nname = \"t{i}\"\np_dlt = {p:?}\n");
    }
    text += THREE_PRESETS;
    text += &format!("[simulation]\ntrials = {trials}\nseed = {seed}\n");
    scenario(&text)
}

fn by_method(run: &ScenarioRun, method: Method) -> Vec<&Comparison> {
    run.comparisons
        .iter()
        .filter(|c| c.method == method)
        .collect()
}

#[test]
fn monte_carlo_differences_agree_with_exact_ones() {
    let curves: [&[f64]; 4] = [
        &[0.05, 0.10, 0.20, 0.30, 0.45],
        &[0.12, 0.27, 0.44, 0.53, 0.57],
        &[0.02, 0.05, 0.08, 0.12, 0.16, 0.35],
        &[0.3, 0.4, 0.5],
    ];
    let mut exact = Vec::new();
    let mut mc = Vec::new();
    for (i, p) in curves.iter().enumerate() {
        let s = with_truths(&[p], 200_000, 11 + i as u64);
        let run = ScenarioRun::evaluate(s, MethodChoice::Both, &|_| {}).unwrap();
        exact.extend(by_method(&run, Method::Exact).into_iter().cloned());
        mc.extend(by_method(&run, Method::Mc).into_iter().cloned());
    }
    // 4 truths × 3 pairs × 5 figures.
    assert_eq!(exact.len(), 60);
    assert_eq!(mc.len(), 60);
    let mut misses = Vec::new();
    for (e, m) in exact.iter().zip(&mc) {
        assert_eq!((e.a, e.b, e.figure), (m.a, m.b, m.figure));
        assert_eq!((e.se_paired, e.se_unpaired), (0.0, 0.0));
        assert!((e.diff - (e.value_a - e.value_b)).abs() < 1e-15);
        let miss = (m.diff - e.diff).abs();
        // korn and strict differ only at the top dose: some differences are
        // exactly 0 in every trial.
        if m.se_paired == 0.0 {
            if miss > 1e-12 {
                misses.push(format!("{m:?}: se 0 but exact diff {}", e.diff));
            }
        } else if miss > 4.0 * m.se_paired {
            misses.push(format!(
                "{m:?}: exact diff {}, z = {:.2}",
                e.diff,
                (m.diff - e.diff) / m.se_paired
            ));
        }
        assert!(m.se_paired <= m.se_unpaired, "{m:?}");
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// The paired standard error predicts how much the difference moves from
/// one seed to another: over 40 seeds the observed standard deviation of the
/// difference is within 30% of the mean reported standard error (the sample
/// SD of 40 draws is within ±30% with probability > 0.99).
#[test]
fn paired_standard_error_matches_the_spread_over_seeds() {
    let curve: [&[f64]; 1] = [&[0.05, 0.12, 0.25, 0.4, 0.55]];
    let seeds = 40;
    let mut diffs = vec![Vec::new(); 15];
    let mut ses = [0.0; 15];
    for seed in 0..seeds {
        let run =
            ScenarioRun::monte_carlo(with_truths(&curve, 20_000, 1000 + seed), &|_| {}).unwrap();
        for (i, c) in run.comparisons.iter().enumerate() {
            diffs[i].push(c.diff);
            ses[i] += c.se_paired / seeds as f64;
        }
    }
    for (i, d) in diffs.iter().enumerate() {
        if ses[i] == 0.0 {
            assert!(d.iter().all(|&x| x == 0.0));
            continue;
        }
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d.len() - 1) as f64;
        let ratio = var.sqrt() / ses[i];
        assert!(
            (0.7..1.3).contains(&ratio),
            "comparison {i}: spread over seeds {} vs paired se {} (ratio {ratio})",
            var.sqrt(),
            ses[i]
        );
    }
}

#[test]
fn identical_designs_differ_by_exactly_zero() {
    // The 3+3 korn and the A+B design with the same rules, under two names.
    let s = scenario(
        r#"
[[truth]]
p_dlt = [0.1, 0.2, 0.35, 0.5]
[[design]]
preset = "korn"
[[design]]
name = "A+B 3/3"
kind = "A+B"
a = 3
b = 3
c = 1
d = 1
e = 1
deescalation = true
top_dose_needs_six = false
[simulation]
trials = 50000
"#,
    );
    let run = ScenarioRun::evaluate(s, MethodChoice::Both, &|_| {}).unwrap();
    assert_eq!(run.comparisons.len(), 10);
    for c in &run.comparisons {
        assert_eq!(c.diff, 0.0, "{c:?}");
        assert_eq!(c.se_paired, 0.0, "{c:?}");
        if c.method == Method::Mc {
            assert!(c.se_unpaired > 0.0, "{c:?}");
            assert_eq!(c.beyond_2se(), Some(false));
        } else {
            assert_eq!(c.beyond_2se(), None);
        }
    }
}

#[test]
fn one_design_has_nothing_to_compare() {
    let s = scenario("[[truth]]\np_dlt = [0.1, 0.3]\n[simulation]\ntrials = 1000\n");
    let run = ScenarioRun::evaluate(s, MethodChoice::Both, &|_| {}).unwrap();
    assert!(run.comparisons.is_empty());
}
