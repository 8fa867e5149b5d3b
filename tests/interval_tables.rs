//! The interval designs' decision tables against `decision_tables.json` (every
//! cell, n = 1..36, both targets, all three designs), their derived constants
//! against the validation cases, hand-worked decisions and MTD selections, and
//! parameter errors.

mod design_cases;

use design_cases::{cases, design_from, num, read_json};
use dosesim::design::{
    Decision, Design, IntervalDesign, IntervalKind, IntervalParams, Observed, StopReason,
};

#[test]
fn every_cell_of_the_reference_tables() {
    let tables = read_json("decision_tables.json");
    assert_eq!(tables["schema"], "dosesim-decision-tables/v1");
    let mut checked = 0;
    let mut misses = Vec::new();
    for table in tables["tables"].as_array().unwrap() {
        let kind = table["kind"].as_str().unwrap();
        let params = &table["params"];
        let design = design_from(kind, params, 5);
        let label = format!("{kind} target {}", params["target"]);
        let rows = table["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 36, "{label}");
        let ours = design.table(36);
        for (want, got) in rows.iter().zip(&ours) {
            let n = want["n"].as_u64().unwrap() as u32;
            assert_eq!(got.n, n);
            let bound = |key: &str| want[key].as_u64().map(|v| v as u32);
            let pairs = [
                (
                    "decisions",
                    want["decisions"].as_str().unwrap().to_string(),
                    got.decisions.clone(),
                ),
                (
                    "escalate_if_dlt_le",
                    format!("{:?}", bound("escalate_if_dlt_le")),
                    format!("{:?}", got.escalate_if_dlt_le),
                ),
                (
                    "deescalate_if_dlt_ge",
                    format!("{:?}", bound("deescalate_if_dlt_ge")),
                    format!("{:?}", got.deescalate_if_dlt_ge),
                ),
                (
                    "eliminate_if_dlt_ge",
                    format!("{:?}", bound("eliminate_if_dlt_ge")),
                    format!("{:?}", got.eliminate_if_dlt_ge),
                ),
            ];
            for (what, w, g) in pairs {
                checked += 1;
                if w != g {
                    misses.push(format!("{label} n = {n} {what}: got {g}, want {w}"));
                }
            }
            // `letter` is what `decide` reads; it must agree with the row.
            for (y, l) in got.decisions.bytes().enumerate() {
                assert_eq!(design.letter(n, y as u32), l);
            }
        }
        if kind == "boin" {
            let (le, ld) = design.lambdas().unwrap();
            assert!(
                (le - num(&table["lambda_e"])).abs() <= 1e-15,
                "{label} lambda_e {le}"
            );
            assert!(
                (ld - num(&table["lambda_d"])).abs() <= 1e-15,
                "{label} lambda_d {ld}"
            );
        } else {
            let (lo, hi) = design.equivalence_interval().unwrap();
            assert!((lo - num(&params["ei_lower"])).abs() < 1e-15, "{label}");
            assert!((hi - num(&params["ei_upper"])).abs() < 1e-15, "{label}");
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {checked} misses:\n{}",
        misses.len(),
        misses.join("\n")
    );
    assert_eq!(checked, 6 * 36 * 4);
}

#[test]
fn derived_values_of_the_validation_cases() {
    for case in cases() {
        let derived = &case.json["design"]["derived"];
        let id = &case.id;
        match case.design.lambdas() {
            Some((le, ld)) => {
                assert!(
                    (le - num(&derived["lambda_e"])).abs() <= 1e-15,
                    "{id} lambda_e"
                );
                assert!(
                    (ld - num(&derived["lambda_d"])).abs() <= 1e-15,
                    "{id} lambda_d"
                );
                let params = case.design.parameters();
                let get = |k: &str| {
                    params
                        .iter()
                        .find(|p| p.0 == k)
                        .unwrap()
                        .1
                        .parse::<f64>()
                        .unwrap()
                };
                assert!((get("phi1") - num(&derived["p_saf"])).abs() < 1e-15, "{id}");
                assert!((get("phi2") - num(&derived["p_tox"])).abs() < 1e-15, "{id}");
            }
            None => {
                let (lo, hi) = case.design.equivalence_interval().unwrap();
                assert!((lo - num(&derived["ei_lower"])).abs() < 1e-15, "{id}");
                assert!((hi - num(&derived["ei_upper"])).abs() < 1e-15, "{id}");
            }
        }
        let elim = derived["elimination_dlt_ge"].as_object().unwrap();
        assert!(!elim.is_empty());
        for (n, y) in elim {
            let n: u32 = n.parse().unwrap();
            assert_eq!(
                case.design.elimination_dlt_ge(n),
                Some(y.as_u64().unwrap() as u32),
                "{id} elimination at n = {n}"
            );
        }
    }
}

fn design(
    kind: IntervalKind,
    max_n: u32,
    doses: usize,
    f: impl FnOnce(&mut IntervalParams),
) -> IntervalDesign {
    let mut p = IntervalParams::new(kind, 0.3, max_n);
    f(&mut p);
    IntervalDesign::new(p, doses).unwrap()
}

fn decide(d: &IntervalDesign, n: &[u32], x: &[u32], current: usize) -> Decision {
    let last_toxic = false;
    d.decide(&Observed {
        n,
        x,
        current,
        last_toxic,
    })
}

fn treat(dose: usize) -> Decision {
    Decision::Treat { dose, patients: 3 }
}

#[test]
fn boin_does_nothing_after_its_last_cohort() {
    let boin = design(IntervalKind::Boin, 6, 3, |_| {});
    // 0/3 at dose 2 would escalate; at max_n the trial just ends, MTD by
    // select.mtd (two 0/3 doses tie below the target: the higher).
    assert_eq!(
        decide(&boin, &[3, 3, 0], &[0, 0, 0], 1),
        Decision::Stop {
            mtd: Some(1),
            reason: StopReason::MaxSampleSize
        }
    );
    // 3/3 at dose 2 in the last cohort: never flagged in the trial, but the
    // final data eliminate it for the selection.
    assert_eq!(
        decide(&boin, &[3, 3, 0], &[0, 3, 0], 1),
        Decision::Stop {
            mtd: Some(0),
            reason: StopReason::MaxSampleSize
        }
    );
    // Dose 1 too toxic by the final data: no MTD, a safety stop.
    let boin3 = design(IntervalKind::Boin, 3, 3, |_| {});
    assert_eq!(
        decide(&boin3, &[3, 0, 0], &[3, 0, 0], 0),
        Decision::Stop {
            mtd: None,
            reason: StopReason::Safety
        }
    );
    // Before the last cohort the same data escalate.
    let long = design(IntervalKind::Boin, 9, 3, |_| {});
    assert_eq!(decide(&long, &[3, 3, 0], &[0, 0, 0], 1), treat(2));
}

#[test]
fn elimination_at_dose_1_stops_for_safety() {
    for kind in IntervalKind::ALL {
        let d = design(kind, 30, 3, |_| {});
        assert_eq!(
            decide(&d, &[3, 0, 0], &[3, 0, 0], 0),
            Decision::Stop {
                mtd: None,
                reason: StopReason::Safety
            },
            "{}",
            kind.name()
        );
        // 4/6 eliminates too (elim[6] = 4 at 0.3); 3/6 de-escalates, which
        // at dose 1 stays.
        assert_eq!(
            decide(&d, &[6, 0, 0], &[4, 0, 0], 0),
            Decision::Stop {
                mtd: None,
                reason: StopReason::Safety
            }
        );
        assert_eq!(decide(&d, &[6, 0, 0], &[3, 0, 0], 0), treat(0));
    }
}

#[test]
fn elimination_at_dose_3_is_permanent() {
    for kind in IntervalKind::ALL {
        let d = design(kind, 30, 4, |_| {});
        assert_eq!(
            decide(&d, &[3, 3, 3, 0], &[0, 0, 3, 0], 2),
            treat(1),
            "{}",
            kind.name()
        );
        // 0/6 at dose 2 would escalate, but dose 3 is gone: stay.
        assert_eq!(decide(&d, &[3, 6, 3, 0], &[0, 0, 3, 0], 1), treat(1));
        // At max_n it is still out of the selection.
        let end = decide(&d, &[3, 24, 3, 0], &[0, 0, 3, 0], 1);
        assert_eq!(
            end,
            Decision::Stop {
                mtd: Some(1),
                reason: StopReason::MaxSampleSize
            }
        );
    }
}

#[test]
fn the_two_early_stopping_rules() {
    let boin = design(IntervalKind::Boin, 30, 3, |p| p.stop_n_at_dose = Some(6));
    let find = design(IntervalKind::Mtpi2, 30, 3, |p| p.stop_n_at_dose = Some(6));
    let enough = |mtd| Decision::Stop {
        mtd: Some(mtd),
        reason: StopReason::EnoughAtDose,
    };
    // 2/6 stays (S): both stop.
    assert_eq!(decide(&boin, &[3, 6, 0], &[0, 2, 0], 1), enough(1));
    assert_eq!(decide(&find, &[3, 6, 0], &[0, 2, 0], 1), enough(1));
    // 2/3 de-escalates to a dose holding 6: only FIND's rule (n at the new
    // dose) stops; BOIN's needs 6 at the current dose.
    assert_eq!(decide(&boin, &[6, 3, 0], &[1, 2, 0], 1), treat(0));
    assert_eq!(decide(&find, &[6, 3, 0], &[1, 2, 0], 1), enough(0));
    // 0/6 escalates away from a dose with 6: neither stops.
    assert_eq!(decide(&boin, &[3, 6, 0], &[0, 0, 0], 1), treat(2));
    assert_eq!(decide(&find, &[3, 6, 0], &[0, 0, 0], 1), treat(2));
    // D at dose 1 stays there: BOIN's rule counts it as staying.
    assert_eq!(
        decide(&boin, &[6, 0, 0], &[3, 0, 0], 0),
        Decision::Stop {
            mtd: Some(0),
            reason: StopReason::EnoughAtDose
        }
    );
    // E blocked at the top dose, too.
    assert_eq!(decide(&boin, &[3, 3, 6], &[0, 0, 0], 2), enough(2));
}

#[test]
fn i3plus3_ratios_on_a_bound_are_inside() {
    // 3/12 = 0.25 = 0.3 − 0.05: stay, not escalate.
    let d = design(IntervalKind::I3plus3, 36, 3, |_| {});
    assert_eq!(d.letter(12, 3), b'S');
    assert_eq!(d.letter(12, 2), b'E');
    // 0.4 − 0.1 is 0.30000000000000004 in double; 3/10 is still on the bound.
    let d = design(IntervalKind::I3plus3, 36, 3, |p| {
        p.target = 0.4;
        p.epsilon1 = Some(0.1);
    });
    assert_eq!(d.letter(10, 3), b'S');
    // 3/15 = 0.2 at target 0.25.
    let d = design(IntervalKind::I3plus3, 36, 3, |p| p.target = 0.25);
    assert_eq!(d.letter(15, 3), b'S');
}

#[test]
fn one_dose_stays_on_escalation() {
    for kind in IntervalKind::ALL {
        let d = design(kind, 9, 1, |_| {});
        assert_eq!(d.start(), treat(0));
        assert_eq!(decide(&d, &[3], &[0], 0), treat(0), "{}", kind.name());
        assert_eq!(decide(&d, &[6], &[3], 0), treat(0));
    }
}

#[test]
fn mtd_selection_ties_and_eliminations() {
    let d = design(IntervalKind::Boin, 30, 3, |_| {});
    // Equal estimates below the target: the highest.
    assert_eq!(d.select_mtd(&[3, 3, 0], &[0, 0, 0]), Some(1));
    // A pooled block below the target (1/3 then 0/3): the highest.
    assert_eq!(d.select_mtd(&[3, 3, 0], &[1, 0, 0]), Some(1));
    // Equal estimates above it: the lowest.
    assert_eq!(d.select_mtd(&[3, 3, 0], &[2, 2, 0]), Some(0));
    // A pooled block above it (2/3 then 1/3, pooled to 0.5): the lowest.
    assert_eq!(d.select_mtd(&[3, 3, 0], &[2, 1, 0]), Some(0));
    // Untried doses are skipped.
    assert_eq!(d.select_mtd(&[3, 0, 3], &[0, 0, 1]), Some(2));
    // Eliminated by the final data: dose 2 and above are out.
    assert_eq!(d.select_mtd(&[3, 3, 3], &[0, 3, 0]), Some(0));
    assert_eq!(d.select_mtd(&[3, 3, 0], &[3, 0, 0]), None);
    assert_eq!(d.select_mtd(&[0, 0, 0], &[0, 0, 0]), None);
    // With elimination off, 3/3 is a (bad) candidate.
    let off = design(IntervalKind::Boin, 30, 3, |p| p.elimination = None);
    assert_eq!(off.select_mtd(&[3, 0, 0], &[3, 0, 0]), Some(0));
}

#[test]
fn parameter_errors_name_the_field() {
    let field = |kind, doses, f: fn(&mut IntervalParams)| {
        let mut p = IntervalParams::new(kind, 0.3, 30);
        f(&mut p);
        IntervalDesign::new(p, doses).unwrap_err().field
    };
    use IntervalKind::*;
    assert_eq!(field(Boin, 5, |p| p.target = 0.0), "target");
    assert_eq!(field(Boin, 5, |p| p.target = f64::NAN), "target");
    assert_eq!(field(Boin, 0, |_| {}), "num_doses");
    assert_eq!(field(Boin, 33, |_| {}), "num_doses");
    assert_eq!(field(Boin, 5, |p| p.cohort_size = 0), "cohort_size");
    assert_eq!(field(Boin, 5, |p| p.cohort_size = 9), "cohort_size");
    assert_eq!(field(Boin, 5, |p| p.max_n = 31), "max_n");
    assert_eq!(field(Boin, 5, |p| p.max_n = 0), "max_n");
    assert_eq!(field(Boin, 5, |p| p.max_n = 201), "max_n");
    assert_eq!(field(Boin, 5, |p| p.start_dose = 0), "start_dose");
    assert_eq!(field(Boin, 5, |p| p.start_dose = 6), "start_dose");
    assert_eq!(
        field(Boin, 5, |p| p.stop_n_at_dose = Some(0)),
        "stop_n_at_dose"
    );
    assert_eq!(field(Boin, 5, |p| p.elimination = Some(1.0)), "elimination");
    assert_eq!(field(Boin, 5, |p| p.phi1 = Some(0.3)), "phi1");
    assert_eq!(field(Boin, 5, |p| p.phi2 = Some(0.3)), "phi2");
    assert_eq!(field(Boin, 5, |p| p.epsilon1 = Some(0.05)), "epsilon1");
    assert_eq!(field(Boin, 5, |p| p.epsilon2 = Some(0.05)), "epsilon2");
    assert_eq!(field(Mtpi2, 5, |p| p.phi1 = Some(0.2)), "phi1");
    assert_eq!(field(I3plus3, 5, |p| p.phi2 = Some(0.4)), "phi2");
    assert_eq!(field(Mtpi2, 5, |p| p.epsilon1 = Some(0.3)), "epsilon1");
    assert_eq!(field(I3plus3, 5, |p| p.epsilon2 = Some(0.7)), "epsilon2");
    let e = IntervalDesign::new(IntervalParams::new(Boin, 0.3, 31), 5).unwrap_err();
    assert!(e.to_string().starts_with("max_n: 31"), "{e}");
}

#[test]
fn parameters_list_every_effective_value() {
    let boin = design(IntervalKind::Boin, 36, 5, |_| {});
    let names: Vec<&str> = boin.parameters().iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        [
            "kind",
            "target",
            "cohort_size",
            "max_n",
            "start_dose",
            "stop_n_at_dose",
            "elimination",
            "phi1",
            "phi2",
            "lambda_e",
            "lambda_d"
        ]
    );
    let i3 = design(IntervalKind::I3plus3, 36, 5, |p| p.elimination = None);
    let params = i3.parameters();
    assert!(params.contains(&("kind", "i3+3".to_string())));
    assert!(params.contains(&("elimination", "false".to_string())));
    assert!(params.contains(&("stop_n_at_dose", String::new())));
    assert!(params.contains(&("ei_lower", "0.25".to_string())));
}
