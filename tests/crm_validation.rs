//! The CRM against the 11 reference cases of `tests/data/validation-designs/`
//! (dfcrm 0.2-2.1's rules, exact rational path probabilities; see the
//! README's part 2): the exact engine to 1e-9 on every figure, Monte Carlo at
//! 10^6 trials within 4 standard errors, and `getprior` to 1e-12. Prints each
//! case's state count and times.

mod design_cases;

use design_cases::{Misses, check_exact, check_mc, crm_cases, num, read_json};
use dosesim::design::crm::{Model, getprior};
use dosesim::design::graph::StateGraph;
use dosesim::design::{AnyDesign, Design};
use dosesim::truth::MtdRule;
use std::time::Instant;

#[test]
fn exact_crm_matches_every_reference_case() {
    let mut misses = Misses::default();
    for case in crm_cases() {
        let start = Instant::now();
        let graph = StateGraph::build(&case.design, StateGraph::MAX_NODES).unwrap();
        let built = start.elapsed();
        let design = AnyDesign::Crm(case.design.clone());
        let start = Instant::now();
        let tally = design
            .exact(&case.truth, case.target)
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let swept = start.elapsed();
        println!(
            "{:48} {:>6} states (reference {:>6}) graph {:>7.2} ms, sweep {:>6.3} ms",
            case.id,
            graph.len(),
            case.json["enumeration"]["n_states_total"],
            built.as_secs_f64() * 1e3,
            swept.as_secs_f64() * 1e3,
        );
        misses.exact(format!("{} total mass", case.id), tally.total(), 1.0);
        let oc = case.summarise(&tally, MtdRule::Closest, None);
        check_exact(&case, &oc, &mut misses);
    }
    misses.assert_clean();
}

#[test]
fn monte_carlo_crm_lands_within_four_standard_errors_of_every_case() {
    const TRIALS: u64 = 1_000_000;
    let mut misses = Misses::default();
    for (i, case) in crm_cases().iter().enumerate() {
        let (_, oc) = case.simulated(TRIALS, 20261208 + i as u64, MtdRule::Closest);
        check_mc(case, &oc, TRIALS, &mut misses);
    }
    misses.assert_clean();
}

#[test]
fn getprior_matches_dfcrm_to_1e_12() {
    let json = read_json("crm__getprior.json");
    let mut misses = Misses::default();
    for case in json["cases"].as_array().unwrap() {
        let model = Model::ALL
            .into_iter()
            .find(|m| case["model"] == m.name())
            .unwrap();
        let (halfwidth, target) = (num(&case["halfwidth"]), num(&case["target"]));
        let (nu, doses) = (
            case["nu"].as_u64().unwrap(),
            case["nlevel"].as_u64().unwrap(),
        );
        let ours = getprior(halfwidth, target, nu as usize, doses as usize, model);
        let want: Vec<f64> = case["skeleton"]
            .as_array()
            .unwrap()
            .iter()
            .map(num)
            .collect();
        assert_eq!(ours.len(), want.len());
        for (d, (&got, &want)) in ours.iter().zip(&want).enumerate() {
            let what = format!("getprior({halfwidth}, {target}, {nu}, {doses}, {model:?})[{d}]");
            misses.close(what, got, want, 1e-12 * want.abs());
        }
    }
    misses.assert_clean();
}

#[test]
fn the_reference_skeletons_are_getprior_calibrations() {
    // Cases whose skeleton came from getprior: ours gives the same numbers.
    let mut checked = 0;
    for case in crm_cases() {
        let params = &case.json["design"]["params"];
        let source = params["skeleton_source"].as_str().unwrap();
        let Some(args) = source.strip_prefix("dfcrm::getprior(") else {
            continue;
        };
        let arg = |name: &str| -> String {
            let at = args.find(&format!("{name}=")).unwrap() + name.len() + 1;
            args[at..]
                .split([',', ')'])
                .next()
                .unwrap()
                .trim_matches('"')
                .to_string()
        };
        let model = Model::ALL
            .into_iter()
            .find(|m| m.name() == arg("model"))
            .unwrap();
        let ours = getprior(
            arg("halfwidth").parse().unwrap(),
            arg("target").parse().unwrap(),
            arg("nu").parse().unwrap(),
            arg("nlevel").parse().unwrap(),
            model,
        );
        for (got, want) in ours.iter().zip(case.design.skeleton()) {
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "{}: {got} vs {want}",
                case.id
            );
        }
        assert_eq!(ours.len(), case.design.num_doses());
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} getprior skeletons");
}
