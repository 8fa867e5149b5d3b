//! Every rule branch of every 3+3 preset (and of the A+B family) as decision
//! tables in the domain's notation: `"1NNN 2NTN"` is a cohort of three at dose
//! 1 with no DLT, then a cohort at dose 2 with one. Each row plays the cohorts
//! through `Design::decide`, checking that the design asked for exactly that
//! cohort, and ends with what the design does next.

use dosesim::design::{AbDesign, AbParams, Decision, Design, Observed, Preset};

/// What follows the last cohort of a row.
#[derive(Debug, PartialEq)]
enum Next {
    Mtd(usize),
    NoMtd,
    /// Treat this many at this dose (1-based).
    Treat(usize, u32),
}

fn play(design: &AbDesign, history: &str) -> Next {
    let k = design.num_doses();
    let (mut n, mut x) = (vec![0u32; k], vec![0u32; k]);
    let mut next = design.start();
    for cohort in history.split_whitespace() {
        let dose: usize = cohort
            .trim_end_matches(['N', 'T'])
            .parse()
            .expect("cohort starts with a dose");
        let outcomes = &cohort[dose.to_string().len()..];
        let asked = Decision::Treat {
            dose: dose - 1,
            patients: outcomes.len() as u32,
        };
        assert_eq!(
            next, asked,
            "{history}: before {cohort} the design asked for {next:?}"
        );
        n[dose - 1] += outcomes.len() as u32;
        x[dose - 1] += outcomes.matches('T').count() as u32;
        next = design.decide(&Observed {
            n: &n,
            x: &x,
            current: dose - 1,
            last_toxic: design
                .toxic_cohort(outcomes.len() as u32, outcomes.matches('T').count() as u32),
        });
    }
    match next {
        Decision::Stop { mtd: Some(d), .. } => Next::Mtd(d + 1),
        Decision::Stop { mtd: None, .. } => Next::NoMtd,
        Decision::Treat { dose, patients } => Next::Treat(dose + 1, patients),
    }
}

fn check(params: AbParams, k: usize, table: &[(&str, Next)]) {
    let design = AbDesign::new(params, k).unwrap();
    for (history, want) in table {
        assert_eq!(
            &play(&design, history),
            want,
            "{params:?}, K = {k}: {history}"
        );
    }
}

fn preset(p: Preset) -> AbParams {
    AbParams::three_plus_three(p)
}

use Next::*;

/// Rules every preset shares (DESIGN.md, "common to the variants").
#[test]
fn common_rules() {
    for p in Preset::ALL {
        check(
            preset(p),
            3,
            &[
                ("", Treat(1, 3)),
                ("1NNN", Treat(2, 3)),           // 0/3: escalate
                ("1NTN", Treat(1, 3)),           // 1/3: three more here
                ("1NTN 1NNN", Treat(2, 3)),      // 1/6: escalate
                ("1TNN 1NNT", NoMtd),            // 2/6 at dose 1: no MTD
                ("1TTN", NoMtd),                 // 2/3 at dose 1
                ("1TTT", NoMtd),                 // 3/3 at dose 1
                ("1NNN 2NNN 3NTN", Treat(3, 3)), // 1/3 at the top: three more
                ("1NNN 2NNN 3NTN 3NNN", Mtd(3)), // 1/6 at the top
            ],
        );
    }
}

/// Storer (1989) design A: stop at the first too-toxic dose; the MTD is the
/// dose below, possibly on 3 patients; the top dose on 3 is the MTD.
#[test]
fn storer() {
    check(
        preset(Preset::Storer),
        3,
        &[
            ("1NNN 2TTN", Mtd(1)),
            ("1NNN 2NTN 2TNN", Mtd(1)),
            ("1NNN 2NNN 3NNN", Mtd(3)),
            ("1NNN 2NNN 3TTT", Mtd(2)),
            ("1NNN 2NNN 3NTN 3TNN", Mtd(2)),
            ("1TNN 1NNN 2TNT", Mtd(1)),
        ],
    );
}

/// Korn et al. (1994): de-escalate so that the MTD has 6 patients.
#[test]
fn korn() {
    check(
        preset(Preset::Korn),
        4,
        &[
            ("1NNN 2TTN", Treat(1, 3)), // dose below has 3: add 3
            ("1NNN 2TTN 1NTN", Mtd(1)), // 1/6 below: MTD
            ("1NNN 2TTN 1TTN", NoMtd),  // 2/6 at dose 1: none
            ("1NTN 1NNN 2TTN", Mtd(1)), // dose below already has 6
            ("1NNN 2NNN 3TTT", Treat(2, 3)),
            ("1NNN 2NNN 3TTT 2NNN", Mtd(2)),
            ("1NNN 2NNN 3TTT 2TNT", Treat(1, 3)), // the rule repeats one level lower
            ("1NNN 2NNN 3TTT 2TNT 1NNN", Mtd(1)),
            ("1NNN 2NNN 3TTT 2TNT 1NTT", NoMtd),
            ("1NNN 2NTN 2NNN 3TTN", Mtd(2)), // dose 2 had 6: stop there
            ("1NNN 2NNN 3NNN 4NNN", Mtd(4)), // top dose on 3 is the MTD
            ("1NNN 2NNN 3NNN 4NTN 4TNN", Treat(3, 3)), // too toxic at the top
            ("1NNN 2NNN 3NNN 4NTN 4TNN 3NNT", Mtd(3)),
        ],
    );
}

/// crmPack's NextBestThreePlusThree: Korn, and the top dose needs 6 too.
#[test]
fn strict() {
    check(
        preset(Preset::Strict),
        3,
        &[
            ("1NNN 2NNN 3NNN", Treat(3, 3)),
            ("1NNN 2NNN 3NNN 3NNN", Mtd(3)),
            ("1NNN 2NNN 3NNN 3NTT", Treat(2, 3)),
            ("1NNN 2NNN 3NNN 3NTT 2TNN", Mtd(2)),
            ("1NNN 2NNN 3NNN 3NTT 2TTN", Treat(1, 3)),
            ("1NNN 2TTN", Treat(1, 3)),
            ("1NNN 2TTN 1NNN", Mtd(1)),
        ],
    );
    // One dose: the only dose needs 6.
    check(
        preset(Preset::Strict),
        1,
        &[
            ("1NNN", Treat(1, 3)),
            ("1NNN 1NNT", Mtd(1)),
            ("1NNN 1NTT", NoMtd),
        ],
    );
    check(
        preset(Preset::Korn),
        1,
        &[("1NNN", Mtd(1)), ("1TTN", NoMtd)],
    );
}

/// A start dose above 1: doses below it are untried.
#[test]
fn start_dose_above_one() {
    let mut storer = preset(Preset::Storer);
    storer.start_dose = 2;
    check(
        storer,
        3,
        &[
            ("", Treat(2, 3)),
            ("2TTN", NoMtd), // nothing below was tried, so nothing can be selected
            ("2NNN 3TTN", Mtd(2)),
        ],
    );
    let mut korn = preset(Preset::Korn);
    korn.start_dose = 2;
    check(
        korn,
        3,
        &[
            ("2TTN", Treat(1, 3)),      // an untried dose below gets a first cohort
            ("2TTN 1NNN", Treat(1, 3)), // and, as the MTD needs 6, a second
            ("2TTN 1NNN 1NTN", Mtd(1)),
            ("2TTN 1TTN", NoMtd),
            ("2TTN 1NTN", Treat(1, 3)),
            ("2TTN 1NTN 1NNN", Mtd(1)),
        ],
    );
}

/// The A+B family of Lin & Shih (2001): 4+4 with C = 1, D = 2, E = 2.
#[test]
fn a_plus_b() {
    let params = AbParams {
        a: 4,
        b: 4,
        c: 1,
        d: 2,
        e: 2,
        deescalation: true,
        top_dose_needs_six: false,
        start_dose: 1,
    };
    check(
        params,
        3,
        &[
            ("", Treat(1, 4)),
            ("1NNNN", Treat(2, 4)),       // fewer than C = 1 DLT: escalate
            ("1TNNN", Treat(1, 4)),       // C ≤ 1 ≤ D: add B
            ("1TTNN", Treat(1, 4)),       // C ≤ 2 ≤ D: add B
            ("1TNNN 1TNNN", Treat(2, 4)), // 2 ≤ E of 8: escalate
            ("1TTNN 1TNNN", NoMtd),       // 3 > E of 8
            ("1TTTN", NoMtd),             // more than D of A
            ("1NNNN 2TTTN", Treat(1, 4)), // Korn's de-escalation with cohorts of 4
            ("1NNNN 2TTTN 1NNTN", Mtd(1)),
            ("1NNNN 2NNNN 3NNNN", Mtd(3)),
        ],
    );
}
