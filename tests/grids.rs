//! `[[grid]]` tables: the truths they generate (values, order, names, origins),
//! the random curves' properties, and the errors of bad grids.

use dosesim::grid::{DEFAULT_RANDOM_SEED, TruthOrigin, random_curve};
use dosesim::scenario::{MAX_TRUTHS, Scenario};
use dosesim::truth::MtdRule;
use std::path::Path;

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("dir/grid.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn problem(text: &str) -> String {
    match Scenario::parse(text, Path::new("dir/grid.toml")) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Each text is rejected with a message naming the file and containing the
/// expected words.
fn assert_problems(cases: &[(&str, &[&str])]) {
    for (text, wants) in cases {
        let got = problem(text);
        assert!(got.starts_with("dir/grid.toml:"), "{text:?}\n  got: {got}");
        for want in *wants {
            assert!(
                got.contains(want),
                "{text:?}\n  got:  {got}\n  want: {want}"
            );
        }
    }
}

fn names(s: &Scenario) -> Vec<&str> {
    s.truths.iter().map(|t| t.name.as_str()).collect()
}

#[test]
fn logistic_grid_values_order_and_names() {
    let s = parse(
        r#"
[[grid]]
model = "logistic"
x = [-1.0, 0.0, 2.0]
a = { from = -1.0, to = 0.0, steps = 3 }
b = [1.0, 0.5]
"#,
    );
    assert_eq!(s.truths.len(), 6);
    assert_eq!(
        names(&s),
        [
            "logistic a=-1 b=1",
            "logistic a=-1 b=0.5",
            "logistic a=-0.5 b=1",
            "logistic a=-0.5 b=0.5",
            "logistic a=0 b=1",
            "logistic a=0 b=0.5",
        ]
    );
    // a = 0, b = 1: p = 1 / (1 + e^-x); at x = 0 exactly 1/2.
    let t = &s.truths[4];
    assert_eq!(t.p_dlt[1], 0.5);
    assert!((t.p_dlt[0] - 1.0 / (1.0 + 1f64.exp())).abs() < 1e-15);
    assert!((t.p_dlt[2] - 1.0 / (1.0 + (-2f64).exp())).abs() < 1e-15);
    // a = -1, b = 0.5 at x = 2: a + b x = 0.
    assert_eq!(s.truths[1].p_dlt[2], 0.5);
    let o = &s.truth_origins[2];
    assert_eq!(o.grid.as_deref(), Some("logistic"));
    assert_eq!(o.model, Some("logistic"));
    assert_eq!(o.params, [("a".to_string(), -0.5), ("b".to_string(), 1.0)]);
    assert_eq!(s.doses, ["dose 1", "dose 2", "dose 3"]);
}

#[test]
fn range_endpoints_are_exact_and_counts_multiply() {
    let s = parse(
        r#"
[[grid]]
model = "logistic"
x = [0.0]
a = { from = 0.1, to = 0.7, steps = 7 }
b = { from = -3.3, to = 1.1, steps = 5 }
"#,
    );
    assert_eq!(s.truths.len(), 35);
    let a: Vec<f64> = s
        .truth_origins
        .iter()
        .map(|o| o.param("a").unwrap())
        .collect();
    let b: Vec<f64> = s
        .truth_origins
        .iter()
        .map(|o| o.param("b").unwrap())
        .collect();
    assert_eq!(a[0], 0.1);
    assert_eq!(a[34], 0.7);
    assert_eq!(b[0], -3.3);
    assert_eq!(b[4], 1.1);
    assert_eq!(b[5], -3.3, "b runs fastest");
    assert!((a[5] - 0.2).abs() < 1e-15);
    assert_eq!(s.truths[34].name, "logistic a=0.7 b=1.1");
    // Round grids keep round names.
    let s = parse(
        "[[grid]]\nmodel = \"logistic\"\nx = [0.0]\na = { from = -3.0, to = 0.0, steps = 31 }\nb = 1\n",
    );
    let a: Vec<String> = s
        .truth_origins
        .iter()
        .map(|o| o.param("a").unwrap().to_string())
        .collect();
    let want: Vec<String> = (0..=30)
        .map(|i| ((i - 30) as f64 / 10.0).to_string())
        .collect();
    assert_eq!(a, want);
    assert_eq!(s.truths[21].name, "logistic a=-0.9 b=1");
}

#[test]
fn power_grid_with_a_single_number_and_a_name() {
    let s = parse(
        r#"
[[truth]]
name = "by hand"
p_dlt = [0.05, 0.1, 0.2, 0.3, 0.45]

[[grid]]
name = "crm"
model = "power"
skeleton = [0.05, 0.10, 0.20, 0.30, 0.45]
beta = 0

[[grid]]
name = "wide"
model = "power"
skeleton = [0.05, 0.10, 0.20, 0.30, 0.45]
beta = { from = -1.0, to = 1.0, steps = 21 }
"#,
    );
    assert_eq!(s.truths.len(), 1 + 1 + 21);
    assert_eq!(names(&s)[..3], ["by hand", "crm beta=0", "wide beta=-1"]);
    assert_eq!(s.truths[22].name, "wide beta=1");
    // skeleton ^ exp(0) = skeleton.
    assert_eq!(s.truths[1].p_dlt, [0.05, 0.10, 0.20, 0.30, 0.45]);
    // beta = ln 2: skeleton squared.
    let t =
        parse("[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 0.5]\nbeta = 0.6931471805599453\n");
    assert!((t.truths[0].p_dlt[0] - 0.01).abs() < 1e-15);
    assert!((t.truths[0].p_dlt[1] - 0.25).abs() < 1e-15);
    assert!(s.truth_origins[0].is_explicit());
    assert_eq!(s.truth_origins[0], TruthOrigin::explicit());
    assert_eq!(s.truth_origins[1].grid.as_deref(), Some("crm"));
    assert_eq!(s.truth_origins[12].param("beta"), Some(0.0));
    assert_eq!(s.truth_origins[22].param("beta"), Some(1.0));
    // Higher beta, lower curve.
    assert!(s.truths[2].p_dlt[2] > s.truths[22].p_dlt[2]);
}

#[test]
fn origins_appear_in_json_only_for_grids() {
    let explicit = parse("[[truth]]\np_dlt = [0.1, 0.2]\n");
    assert_eq!(explicit.truth_origins, [TruthOrigin::explicit()]);
    let json = serde_json::to_value(&explicit).unwrap();
    assert!(json.get("truth_origins").is_none(), "{json}");
    let grid = parse("[[grid]]\nmodel = \"random\"\ndoses = 3\ncurves = 2\n");
    let json = serde_json::to_value(&grid).unwrap();
    assert_eq!(json["truth_origins"][1]["model"], "random");
    assert_eq!(json["truth_origins"][1]["params"][0][0], "mtd_position");
    let cli = Scenario::from_curve(vec![0.1, 0.3], 0.3, &[]).unwrap();
    assert_eq!(cli.truth_origins, [TruthOrigin::explicit()]);
}

fn random(k: usize, curves: usize, seed: Option<u64>, target: f64) -> Scenario {
    let seed = seed.map_or(String::new(), |s| format!("seed = {s}\n"));
    parse(&format!(
        "target = {target}\n[[grid]]\nmodel = \"random\"\ndoses = {k}\ncurves = {curves}\n{seed}"
    ))
}

#[test]
fn random_curves_are_increasing_probabilities_with_the_recorded_mtd_closest() {
    for (k, target) in [
        (5, 0.3),
        (1, 0.3),
        (8, 0.2),
        (12, 0.5),
        (32, 0.25),
        (3, 0.9),
    ] {
        let s = random(k, 2_000, None, target);
        assert_eq!(s.truths.len(), 2_000);
        for (t, o) in s.truths.iter().zip(&s.truth_origins) {
            assert_eq!(t.num_doses(), k);
            assert!(t.p_dlt.iter().all(|p| (0.0..=1.0).contains(p)), "{t:?}");
            assert!(
                t.p_dlt.windows(2).all(|w| w[0] < w[1]),
                "not strictly increasing: {t:?}"
            );
            let position = o.param("mtd_position").unwrap();
            let closest = t.true_mtd(target, MtdRule::Closest).unwrap();
            assert_eq!(position, (closest + 1) as f64, "{t:?}");
        }
    }
}

#[test]
fn random_mtd_positions_are_uniform() {
    for k in [2, 5, 7] {
        let n = 10_000;
        let s = random(k, n, Some(3), 0.3);
        let mut counts = vec![0usize; k];
        for o in &s.truth_origins {
            counts[o.param("mtd_position").unwrap() as usize - 1] += 1;
        }
        let p = 1.0 / k as f64;
        let se = (p * (1.0 - p) / n as f64).sqrt();
        for (d, &c) in counts.iter().enumerate() {
            let share = c as f64 / n as f64;
            assert!(
                (share - p).abs() < 5.0 * se,
                "K = {k}: dose {} is the MTD of {share} of the curves, expected {p} ± {}",
                d + 1,
                5.0 * se
            );
        }
        // A skewed generator fails: the chi-square over K − 1 degrees of
        // freedom stays below its 0.999 quantile (at most 24.3 for K ≤ 7).
        let expected = n as f64 * p;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 24.3, "K = {k}: chi2 = {chi2}");
    }
}

#[test]
fn random_curves_are_reproducible_and_prefix_stable() {
    let a = random(5, 100, Some(7), 0.3);
    let b = random(5, 100, Some(7), 0.3);
    assert_eq!(a.truths, b.truths);
    // Curve i does not depend on how many are drawn (only names are padded to
    // the width of `curves`).
    let short = random(5, 10, Some(7), 0.3);
    for i in 0..10 {
        assert_eq!(short.truths[i].p_dlt, a.truths[i].p_dlt);
        assert_eq!(short.truth_origins[i], a.truth_origins[i]);
    }
    assert_eq!(short.truths[0].name, "random 01");
    assert_eq!(a.truths[0].name, "random 001");
    assert_eq!(a.truths[99].name, "random 100");
    // Different seeds, different curves.
    let other = random(5, 100, Some(8), 0.3);
    let same = a
        .truths
        .iter()
        .zip(&other.truths)
        .filter(|(x, y)| x.p_dlt == y.p_dlt)
        .count();
    assert_eq!(same, 0);
    // The default seed is 1, and the simulation seed plays no part.
    let default = random(5, 100, None, 0.3);
    assert_eq!(
        default.truths,
        random(5, 100, Some(DEFAULT_RANDOM_SEED), 0.3).truths
    );
    let with_sim_seed =
        parse("[[grid]]\nmodel = \"random\"\ndoses = 5\ncurves = 100\n[simulation]\nseed = 99\n");
    assert_eq!(with_sim_seed.truths, default.truths);
    // The library function gives the same curves.
    let c = random_curve(5, 0.3, 7, 42);
    assert_eq!(c.p, a.truths[42].p_dlt);
    assert_eq!(
        (c.mtd + 1) as f64,
        a.truth_origins[42].param("mtd_position").unwrap()
    );
}

#[test]
fn random_grid_takes_its_doses_from_the_file() {
    let labels = parse(
        "doses = [\"a\", \"b\", \"c\"]\n[[grid]]\nname = \"r\"\nmodel = \"random\"\ncurves = 5\n",
    );
    assert_eq!(labels.truths[0].num_doses(), 3);
    assert_eq!(labels.truths[4].name, "r 5");
    let from_truth = parse(
        "[[truth]]\np_dlt = [0.1, 0.2, 0.3, 0.4]\n[[grid]]\nmodel = \"random\"\ncurves = 2\n",
    );
    assert_eq!(from_truth.truths.len(), 3);
    assert!(from_truth.truths.iter().all(|t| t.num_doses() == 4));
    // From another grid, even a later one.
    let from_grid = parse(
        "[[grid]]\nmodel = \"random\"\ncurves = 2\n[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 0.2]\nbeta = 0\n",
    );
    assert_eq!(names(&from_grid), ["random 1", "random 2", "power beta=0"]);
    assert!(from_grid.truths.iter().all(|t| t.num_doses() == 2));
}

#[test]
fn the_bundled_sweep_has_ten_thousand_truths() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps/random_curves.toml");
    let s = Scenario::load(&path).unwrap();
    assert_eq!(s.truths.len(), 10_000);
    assert_eq!(s.truth_origins.len(), 10_000);
    assert_eq!(s.doses.len(), 5);
    assert_eq!(s.target, 0.30);
    assert_eq!(s.true_mtd, MtdRule::Closest);
    let designs: Vec<&str> = s.designs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(designs, ["3+3 storer", "3+3 korn", "3+3 strict"]);
    assert_eq!(s.truths[0].name, "random 00001");
    assert_eq!(s.truths[9_999].name, "random 10000");
}

#[test]
fn bad_grids_are_named_with_what_was_expected() {
    let logistic = "model = \"logistic\"\nx = [0.0, 1.0]\nb = 1.0\n";
    let cases: Vec<(String, &[&str])> = vec![
        (
            "[[grid]]\nx = [0.0]\n".into(),
            &["grid[0].model: missing: expected model = \"logistic\", \"power\" or \"random\""],
        ),
        (
            "[[grid]]\nmodel = \"probit\"\n".into(),
            &["grid[0].model: = \"probit\": expected \"logistic\", \"power\" or \"random\""],
        ),
        (
            format!("[[grid]]\n{logistic}a = {{ from = 0.0, to = 1.0, steps = 0 }}\n"),
            &["grid[0].a.steps: = 0: expected a number of points of at least 1"],
        ),
        (
            format!("[[grid]]\n{logistic}a = {{ from = -3.0, to = 0.0, steps = 1 }}\n"),
            &["grid[0].a.steps: = 1 but from = -3 and to = 0 differ", "expected from = to"],
        ),
        (
            format!("[[grid]]\n{logistic}a = {{ from = 1.0, to = 1.0, steps = 4 }}\n"),
            &["grid[0].a.steps: = 4 but from = to = 1", "expected steps = 1"],
        ),
        (
            format!("[[grid]]\n{logistic}a = {{ from = 1.0, steps = 4 }}\n"),
            &["grid[0].a.to: missing: a range needs from, to and steps"],
        ),
        (
            format!("[[grid]]\n{logistic}a = {{ from = 1.0, to = 2.0, step = 4 }}\n"),
            &["grid[0].a.step: unknown key: a range has from, to and steps"],
        ),
        (
            format!("[[grid]]\n{logistic}a = [0.0, 1.0, 0.0]\n"),
            &["grid[0].a[2]: = 0 repeats a[0]: expected distinct values"],
        ),
        (
            format!("[[grid]]\n{logistic}a = \"wide\"\n"),
            &["grid[0].a: is a string: expected a number, a list of numbers, or { from"],
        ),
        (
            format!("[[grid]]\n{logistic}a = inf\n"),
            &["grid[0].a: = inf: expected a finite number"],
        ),
        (
            "[[grid]]\nmodel = \"logistic\"\na = 0.0\nb = 1.0\n".into(),
            &["grid[0].x: missing: model = \"logistic\" needs x = [...]"],
        ),
        (
            "[[grid]]\nmodel = \"logistic\"\nx = [0.0]\na = 0.0\n".into(),
            &["grid[0].b: missing: model = \"logistic\" needs a and b"],
        ),
        (
            "[[grid]]\nmodel = \"logistic\"\nx = []\na = 0.0\nb = 1.0\n".into(),
            &["grid[0].x: is empty: expected 1 to 32 values"],
        ),
        (
            "[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 0.3, 0.2]\nbeta = 0\n".into(),
            &["grid[0].skeleton[2]: = 0.2 is not above skeleton[1] = 0.3: expected strictly increasing values"],
        ),
        (
            "[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 1.0]\nbeta = 0\n".into(),
            &["grid[0].skeleton[1]: = 1: expected a probability strictly between 0 and 1"],
        ),
        (
            "[[grid]]\nmodel = \"power\"\nskeleton = [0.0, 0.5]\nbeta = 0\n".into(),
            &["grid[0].skeleton[0]: = 0: expected a probability strictly between 0 and 1"],
        ),
        (
            "[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 0.5]\n".into(),
            &["grid[0].beta: missing: model = \"power\" needs beta"],
        ),
        (
            "[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 0.5]\nbeta = 0\nx = [1.0, 2.0]\n".into(),
            &["grid[0].x: is only for model = \"logistic\""],
        ),
        (
            format!(
                "[[grid]]\n{logistic}a = {{ from = 0.0, to = 1.0, steps = 400 }}\nb = {{ from = 0.0, to = 1.0, steps = 400 }}\n"
            )
            .replace("b = 1.0\n", ""),
            &["grid[0]: makes 160000 truths (400 a × 400 b)", "at most 100000 truths per file"],
        ),
        (
            "[[truth]]\np_dlt = [0.1]\n[[grid]]\nmodel = \"random\"\ndoses = 1\ncurves = 60000\n[[grid]]\nname = \"more\"\nmodel = \"random\"\ndoses = 1\ncurves = 40000\n".into(),
            &["grid[1]: makes 40000 truths (curves = 40000), 100001 with the 60001 before it", "at most 100000"],
        ),
        (
            "[[grid]]\nmodel = \"logistic\"\nx = [0.0]\na = { from = 0.0, to = 1.0, steps = 9_000_000_000_000_000_000 }\nb = { from = 0.0, to = 1.0, steps = 9_000_000_000_000_000_000 }\n".into(),
            &["grid[0]: makes 81000000000000000000000000000000000000 truths"],
        ),
        (
            "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 0.2]\nbeta = 0\n".into(),
            &["grid[0].skeleton: gives 2 doses but truth[0].p_dlt has 3: every truth must cover the same dose levels"],
        ),
        (
            "doses = [\"a\", \"b\"]\n[[grid]]\nmodel = \"random\"\ndoses = 3\ncurves = 5\n".into(),
            &["grid[0].doses: gives 3 doses but doses has 2 labels"],
        ),
        (
            "[[grid]]\nmodel = \"power\"\nskeleton = [0.1, 0.2]\nbeta = 0\n[[grid]]\nmodel = \"logistic\"\nx = [0.0]\na = 0\nb = 1\n".into(),
            &["grid[1].x: gives 1 doses but grid[0].skeleton gives 2"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ncurves = 5\n".into(),
            &["grid[0].doses: missing: nothing else fixes the number of dose levels"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ndoses = 3\n".into(),
            &["grid[0].curves: missing: model = \"random\" needs curves = N"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ndoses = 3\ncurves = 0\n".into(),
            &["grid[0].curves: = 0: expected a number of curves from 1 to 100000"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ndoses = 33\ncurves = 1\n".into(),
            &["grid[0].doses: = 33: expected a number of dose levels from 1 to 32"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ndoses = 3\ncurves = 1\nseed = -1\n".into(),
            &["grid[0].seed: = -1: expected a non-negative integer"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ndoses = 3\ncurves = 2\n[[grid]]\nmodel = \"random\"\ndoses = 3\ncurves = 2\nseed = 2\n".into(),
            &["grid[1].name: \"random\" is used twice (grid[0] has it): expected unique grid names"],
        ),
        (
            "[[grid]]\nname = \"x\"\nmodel = \"random\"\ndoses = 3\ncurves = 2\n[[grid]]\nname = \"x\"\nmodel = \"power\"\nskeleton = [0.1, 0.2, 0.3]\nbeta = 0\n".into(),
            &["grid[1].name: \"x\" is used twice"],
        ),
        (
            "[[truth]]\nname = \"random 2\"\np_dlt = [0.1, 0.2]\n[[grid]]\nmodel = \"random\"\ncurves = 3\n".into(),
            &["grid[0]: makes a truth named \"random 2\", a name truth[0] already gives: expected unique names"],
        ),
        (
            "[[grid]]\nname = \" \"\nmodel = \"random\"\ndoses = 3\ncurves = 2\n".into(),
            &["grid[0].name: is empty: expected a name, or no key"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ndoses = 3\ncurves = 2\nstep = 1\n".into(),
            &["dir/grid.toml:5:1: unknown field `step`, expected one of"],
        ),
        (
            "[truth]\np_dlt = [0.1]\n".into(),
            &["dir/grid.toml:"],
        ),
        (
            "doses = []\n[[grid]]\nmodel = \"random\"\ncurves = 2\n".into(),
            &["doses: has 0 labels: expected one label per dose, 1 to 32"],
        ),
        (
            "[[grid]]\nmodel = \"random\"\ndoses = 1\ncurves = 1\nname = \"g\"\n"
                .repeat(MAX_TRUTHS + 1),
            &["grid: has 100001 grids, each making at least one truth: at most 100000 truths per file"],
        ),
        (
            "name = \"nothing\"\n".into(),
            &["truth: missing: expected at least one [[truth]] with p_dlt = [...], or a [[grid]] that generates truths"],
        ),
    ];
    let cases: Vec<(&str, &[&str])> = cases.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    assert_problems(&cases);
}

#[test]
fn extreme_parameters_give_valid_probabilities() {
    let s = parse(
        r#"
[[grid]]
model = "logistic"
x = [-1e300, 0.0, 1e300]
a = [-1e308, 0.0, 1e308]
b = [1e308, -1e308]

[[grid]]
model = "power"
skeleton = [1e-300, 0.5, 0.999999]
beta = [-1000.0, 0.0, 800.0]
"#,
    );
    assert_eq!(s.truths.len(), 9);
    for t in &s.truths {
        assert!(t.p_dlt.iter().all(|p| (0.0..=1.0).contains(p)), "{t:?}");
    }
    assert_eq!(s.truths[6].p_dlt, [1.0, 1.0, 1.0], "beta = -1000: p = s^0");
    assert_eq!(s.truths[8].p_dlt, [0.0, 0.0, 0.0], "beta = 800: p = s^inf");
    // A range too wide to subtract is refused rather than making NaN.
    let got = problem(
        "[[grid]]\nmodel = \"logistic\"\nx = [0.0]\nb = 0\na = { from = -1e308, to = 1e308, steps = 3 }\n",
    );
    assert!(got.contains("grid[0].a: from = -100000"), "{got}");
    assert!(
        got.contains("expected to − from to be a finite number"),
        "{got}"
    );
    // The limit is the file's constant.
    assert_eq!(MAX_TRUTHS, 100_000);
}
