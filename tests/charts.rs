//! Charts (PNG and SVG) and the HTML report, drawn from real runs: valid
//! files with the expected titles, escaped text, and no panic on degenerate
//! scenarios (p = 0 or 1 everywhere, one dose, one design, exact results).

use dosesim::html::report_html;
use dosesim::plot::{ChartKind, chart_svgs, write_charts};
use dosesim::run::{MethodChoice, ScenarioRun};
use dosesim::scenario::Scenario;
use dosesim::summary::Method;
use std::path::Path;

const AVU: &str = r#"
name = "defactinib-avutometinib"
target = 0.30
doses = ["avu 3.2 + def 200 QD", "avu 3.2 + def 200 BID", "avu 4.0 + def 200 BID", "avu 4.0 + def 400 BID"]

[[truth]]
name = "optimistic"
p_dlt = [0.05, 0.12, 0.22, 0.38]

[[truth]]
name = "expected"
p_dlt = [0.08, 0.18, 0.32, 0.50]

[[design]]
name = "3+3 storer"
preset = "storer"

[[design]]
name = "3+3 korn"
preset = "korn"

[[design]]
name = "3+3 strict"
preset = "strict"

[simulation]
trials = 20_000
"#;

/// Names with every character HTML and XML care about.
const NASTY: &str = r#"
name = "Drug <b>A</b> & \"B\""
doses = ["1 mg <low>", "2 mg & more", "4 mg \"high\""]

[[truth]]
name = "curve <1> & 'x'"
p_dlt = [0.1, 0.3, 0.6]

[[truth]]
name = "curve \"2\""
p_dlt = [0.05, 0.1, 0.2]

[[design]]
preset = "korn"

[[design]]
name = "<strict> & co"
preset = "strict"

[simulation]
trials = 20_000
"#;

fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("x.toml")).expect("test scenario is valid")
}

fn run(text: &str, method: MethodChoice) -> ScenarioRun {
    ScenarioRun::evaluate(scenario(text), method, &|_| {}).expect("scenario runs")
}

fn mc(text: &str) -> ScenarioRun {
    run(text, MethodChoice::Mc)
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// An SVG document whose tags nest and close, whose text has no bare `<` or
/// `&`, and that contains every one of `expected`.
fn check_svg(svg: &str, expected: &[&str]) {
    let body = svg.trim();
    assert!(
        body.starts_with("<svg") || body.starts_with("<?xml"),
        "SVG starts with {:?}",
        &body[..body.len().min(40)]
    );
    assert!(body.ends_with("</svg>"), "SVG ends with </svg>");
    let mut open: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt]);
        let gt = rest[lt..].find('>').expect("every tag closes") + lt;
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name.trim()), "closing tag matches");
        } else if !tag.starts_with('?') && !tag.starts_with('!') && !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or(""));
        }
        rest = &rest[gt + 1..];
    }
    assert!(open.is_empty(), "unclosed tags: {open:?}");
    for want in expected {
        assert!(svg.contains(want), "SVG lacks {want:?}");
    }
}

/// Character data: `&` only as an entity.
fn check_text(text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
        assert!(
            ["&lt;", "&gt;", "&amp;", "&quot;", "&apos;", "&#39;"].contains(&entity),
            "bare & in {text:?}"
        );
    }
}

#[test]
fn every_chart_is_a_valid_png_and_svg_named_and_titled() {
    let run = mc(AVU);
    let dir = tempfile::tempdir().unwrap();
    let files = write_charts(&run, dir.path()).unwrap();
    assert_eq!(files.len(), 2 * 3 * 2, "2 truths × 3 charts × PNG and SVG");
    for truth in ["optimistic", "expected"] {
        for (kind, heading) in [
            ("selection", "probability of selection as MTD"),
            ("patients", "patients treated per dose"),
            ("sample-size", "distribution of the sample size N"),
        ] {
            let stem = format!("defactinib-avutometinib__{truth}__{kind}");
            let png = std::fs::read(dir.path().join(format!("{stem}.png"))).unwrap();
            let (w, h) = png_size(&png);
            assert!(w >= 1000 && h >= 600, "{stem}.png is {w}×{h}");
            let svg = std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).unwrap();
            let title = format!("defactinib-avutometinib — truth “{truth}”: {heading}");
            check_svg(
                &svg,
                &[
                    &title,
                    "3+3 storer, 3+3 korn, 3+3 strict",
                    "Monte Carlo, 20 000 trials, seed 2026",
                    "±1.96 SE",
                ],
            );
        }
    }
    // Files are renamed into place: no temporary is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), files.len(), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn selection_chart_shows_every_dose_and_the_truth_overlay() {
    let run = mc(AVU);
    let charts = chart_svgs(&run).unwrap();
    assert_eq!(charts.len(), 6);
    let selection = &charts[0];
    assert_eq!((selection.truth, selection.kind), (0, ChartKind::Selection));
    check_svg(
        &selection.svg,
        &[
            "no MTD",
            "avu 3.2 + def 200 QD",
            "avu 4.0 + def 400 BID",
            "P(selected as MTD)",
            "true P(DLT)",
            "target 0.3 (right axis)",
            "dose above target",
            "3+3 korn: PCS",
        ],
    );
    let sizes = &charts[2];
    assert_eq!(sizes.kind, ChartKind::SampleSize);
    check_svg(&sizes.svg, &["sample size N", "P(N = n)", "E[N]"]);
}

#[test]
fn file_names_are_slugs_and_svg_text_is_escaped() {
    let run = mc(NASTY);
    let dir = tempfile::tempdir().unwrap();
    let files = write_charts(&run, dir.path()).unwrap();
    assert_eq!(files.len(), 12);
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        let (stem, ext) = name.rsplit_once('.').unwrap();
        assert!(ext == "png" || ext == "svg", "{name}");
        let parts: Vec<&str> = stem.split("__").collect();
        assert_eq!(parts.len(), 3, "{name}");
        for part in parts {
            assert!(
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
        }
        assert!(name.starts_with("drug-b-a-b-b__curve-"), "{name}");
    }
    let svg =
        std::fs::read_to_string(dir.path().join("drug-b-a-b-b__curve-1-x__selection.svg")).unwrap();
    check_svg(
        &svg,
        &[
            "Drug &lt;b&gt;A&lt;/b&gt; &amp; &quot;B&quot;",
            "&lt;strict&gt; &amp; co",
            "1 mg &lt;low&gt;",
        ],
    );
    assert!(!svg.contains("<b>"));
}

#[test]
fn degenerate_scenarios_draw_without_panicking() {
    let cases = [
        // One dose, certain toxicity and none, one design.
        "doses = [\"only\"]\n[[truth]]\nname = \"never\"\np_dlt = [0.0]\n[[truth]]\nname = \"always\"\np_dlt = [1.0]\n[simulation]\ntrials = 5000\n",
        // Every dose certain, or never, toxic; two designs.
        "[[truth]]\nname = \"zero\"\np_dlt = [0.0, 0.0, 0.0]\n[[truth]]\nname = \"one\"\np_dlt = [1.0, 1.0, 1.0]\n[[design]]\npreset = \"storer\"\n[[design]]\npreset = \"strict\"\n[simulation]\ntrials = 5000\n",
        // Many doses with long labels, many designs: label thinning, patterns.
        "doses = [\"dose level one with a long label\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"j\", \"k\", \"l\", \"m\", \"n\", \"o\", \"p\", \"q\", \"r\", \"s\", \"t\", \"u\", \"v\", \"w\", \"x\", \"y\", \"z\", \"aa\", \"bb\", \"cc\", \"dd\", \"ee\", \"a very long label at the top dose\"]\n[[truth]]\np_dlt = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.2, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.3, 0.31, 0.32]\n[[design]]\npreset = \"storer\"\n[[design]]\npreset = \"korn\"\n[[design]]\npreset = \"strict\"\n[[design]]\nname = \"2+4\"\nkind = \"A+B\"\na = 2\nb = 4\nc = 1\nd = 1\ne = 2\n[[design]]\nname = \"start 2\"\npreset = \"korn\"\nstart_dose = 2\n[simulation]\ntrials = 5000\n",
    ];
    for (i, text) in cases.into_iter().enumerate() {
        // Exact where the state space allows: not at 32 doses, where merely
        // finding that out takes seconds.
        let methods: &[MethodChoice] = if i < 2 {
            &[MethodChoice::Mc, MethodChoice::Exact]
        } else {
            &[MethodChoice::Mc]
        };
        for &method in methods {
            let run = run(text, method);
            let dir = tempfile::tempdir().unwrap();
            let files = write_charts(&run, dir.path()).unwrap();
            assert_eq!(files.len(), run.scenario.truths.len() * 6);
            for f in files.iter().filter(|f| f.extension().unwrap() == "png") {
                png_size(&std::fs::read(f).unwrap());
            }
            for chart in chart_svgs(&run).unwrap() {
                check_svg(&chart.svg, &[&chart.title]);
            }
            report_html(std::slice::from_ref(&run)).unwrap();
        }
    }
}

#[test]
fn exact_results_are_titled_exact_and_have_no_whiskers() {
    let run = run(AVU, MethodChoice::Exact);
    assert!(run.results.iter().all(|r| r.oc.method == Method::Exact));
    for chart in chart_svgs(&run).unwrap() {
        assert!(chart.subtitle.contains("· exact ·"), "{}", chart.subtitle);
        assert!(!chart.subtitle.contains("whiskers"), "{}", chart.subtitle);
        check_svg(&chart.svg, &[&chart.subtitle]);
    }
}

#[test]
fn mixed_methods_mark_the_monte_carlo_series() {
    // Design 0's results relabelled exact (standard errors 0, no trials), as
    // `--method auto` gives when only some designs can be enumerated.
    let mut run = mc(NASTY);
    for r in run.results.iter_mut().filter(|r| r.design == 0) {
        r.oc.method = Method::Exact;
        r.oc.trials = None;
        r.seed = None;
        r.oc.p_none.se = 0.0;
        for d in &mut r.oc.doses {
            d.p_select.se = 0.0;
            d.mean_n.se = 0.0;
        }
    }
    for chart in chart_svgs(&run).unwrap() {
        assert!(
            chart
                .subtitle
                .contains("exact, or Monte Carlo, 20 000 trials, seed 2026 where marked MC"),
            "{}",
            chart.subtitle
        );
        check_svg(&chart.svg, &["&lt;strict&gt; &amp; co [MC]"]);
        assert!(!chart.svg.contains("3+3 korn [MC]"));
    }
    report_html(&[run]).unwrap();
}

#[test]
fn both_methods_chart_the_exact_result_once_per_design() {
    let run = run(AVU, MethodChoice::Both);
    assert_eq!(
        run.results.len(),
        2 * 2 * 3,
        "exact and Monte Carlo per pair"
    );
    let charts = chart_svgs(&run).unwrap();
    assert_eq!(charts.len(), 6);
    for chart in &charts {
        assert!(chart.subtitle.contains("· exact ·"), "{}", chart.subtitle);
        assert_eq!(
            chart.svg.matches("3+3 korn: ").count(),
            1,
            "one series per design"
        );
    }
}

#[test]
fn write_charts_names_the_directory_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "").unwrap();
    let err = write_charts(&mc(AVU), &file).unwrap_err();
    assert!(err.to_string().contains("not-a-directory"), "{err}");
}

/// The `<tr>` rows in the body of the first table with `class`.
fn body_rows(html: &str, class: &str) -> Vec<usize> {
    let open = format!("<table class=\"{class}\">");
    html.match_indices(&open)
        .map(|(i, _)| {
            let table = &html[i..i + html[i..].find("</table>").unwrap()];
            let body = &table[table.find("<tbody>").unwrap()..];
            body.matches("<tr").count()
        })
        .collect()
}

#[test]
fn html_report_has_every_table_escaped_text_and_inline_charts() {
    let runs = [mc(NASTY), mc(AVU)];
    let html = report_html(&runs).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(!html.contains("src=\"http"), "self-contained");

    // One summary row per truth × design, one dose table per truth with a
    // row per design × dose.
    assert_eq!(body_rows(&html, "summary"), vec![2 * 2, 2 * 3]);
    assert_eq!(body_rows(&html, "doses"), vec![2 * 3, 2 * 3, 3 * 4, 3 * 4]);
    assert_eq!(body_rows(&html, "designs"), vec![2, 3]);

    // Text from scenario files is escaped everywhere, charts included.
    assert!(html.contains("Drug &lt;b&gt;A&lt;/b&gt; &amp; &quot;B&quot;"));
    assert!(html.contains("curve &lt;1&gt; &amp; &#39;x&#39;"));
    assert!(html.contains("&lt;strict&gt; &amp; co"));
    assert!(!html.contains("<b>A</b>") && !html.contains("<strict>") && !html.contains("<low>"));

    // Every chart inlined, with its title.
    assert_eq!(html.matches("<svg").count(), (2 + 2) * 3);
    assert_eq!(html.matches("</svg>").count(), (2 + 2) * 3);
    assert!(html.contains("defactinib-avutometinib — truth “expected”: patients treated per dose"));

    // Monte Carlo figures carry their standard errors; provenance is stated.
    assert!(html.contains(" ± "));
    assert!(html.contains(&format!(
        "<dt>dosesim</dt><dd>{}</dd>",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(html.contains("<dt>seed</dt><dd>2026</dd>"));
    assert!(html.contains("<dt>trials</dt><dd>20 000</dd>"));
}

#[test]
fn html_report_of_exact_results_has_no_standard_errors() {
    let html = report_html(&[run(AVU, MethodChoice::Exact)]).unwrap();
    let summary = &html[html.find("<table class=\"summary\">").unwrap()..];
    let summary = &summary[..summary.find("</table>").unwrap()];
    assert!(!summary.contains('±'), "{summary}");
    assert!(html.contains("exact: every trial path enumerated"));
}
