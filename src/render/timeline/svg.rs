//! The timeline chart, drawn as SVG at build time: one row per agreement in date
//! order on a time axis that widens where agreements crowd together, and an arc
//! for each relation, coloured and dashed by relation type (the key is HTML
//! beside the chart, so no label can sit on another), kept inside the axis.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::plural;
use crate::content::date::Date;
use crate::markdown::escape_html;
use crate::resolve::{Archive, Relation};
use crate::urls::paths;

/// Above this many reports the reports strip counts them per month or per
/// year (a bar each, linked to that year's list) instead of a mark each.
pub const REPORT_MARKS_MAX: usize = 200;
/// Above this many agreements only those in a relation get a row; every
/// agreement is counted, per month or year, in a strip of its own.
pub const AGREEMENT_ROWS_MAX: usize = 60;

/// What the chart draws.
pub struct Lanes<'l> {
    /// The agreements with a row each, in date order.
    pub rows: &'l [usize],
    /// The view's own agreements (the other rows are context, drawn faint).
    pub own: &'l BTreeSet<usize>,
    /// The relations between rows, drawn as arcs.
    pub rels: &'l [&'l Relation],
    /// Reports for the bottom strip, oldest first (none: no strip).
    pub reports: &'l [usize],
    /// Agreements counted in a strip of their own, in date order (none: no strip).
    pub agreements: &'l [usize],
    /// Where the list of a year is: the bars of counts link there.
    pub year_href: &'l dyn Fn(i16) -> String,
}

/// How the strips count, when they count rather than mark.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// `month` or `year`.
    pub per: &'static str,
    /// Whether the agreements are counted in a strip (and only those in a
    /// relation have rows).
    pub agreements: bool,
    /// Whether the reports strip counts.
    pub reports: bool,
    /// The most reports in one bar.
    pub most_reports: usize,
    /// The most agreements in one bar.
    pub most_agreements: usize,
}

/// A finished drawing.
pub struct Drawing {
    pub svg: String,
    /// How the strips count, if one does.
    pub counts: Option<Counts>,
    /// Ranges of empty years drawn narrow, like "2002–2013".
    pub compressed: Vec<String>,
    /// Whether the axis was widened around crowded dates.
    pub stretched: bool,
}

/// How one relation type is drawn: its colour class and dash pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// `tl-k1` … `tl-k8`: the colour, set in the stylesheet for each theme.
    pub class: String,
    /// `stroke-dasharray`, empty for a solid line.
    pub dash: &'static str,
}

/// Colours (in CSS) and dash patterns; a relation type's position in
/// `relation_types` picks one of each, so it looks the same in every view.
const COLOURS: usize = 8;
const DASHES: [&str; COLOURS] = [
    "",
    "8 4",
    "2 3",
    "10 3 2 3",
    "12 3 2 3 2 3",
    "16 5",
    "4 3",
    "1 5",
];

/// The style of relation type `kind`.
pub fn style(a: &Archive, kind: &str) -> Style {
    let i = a.config.relation_types.get_index_of(kind).unwrap_or(0);
    Style {
        class: format!("tl-k{}", i % COLOURS + 1),
        dash: DASHES[(i + i / COLOURS) % COLOURS],
    }
}

/// The horizontal scale in "units": each year with entries gets a full unit;
/// runs of two or more empty years between them shrink to a break half a unit
/// wide.
pub struct Scale {
    /// Year → offset in units, for every year drawn at full width.
    pub offsets: BTreeMap<i16, f64>,
    /// (offset, first year, last year) of each break.
    pub breaks: Vec<(f64, i16, i16)>,
    pub units: f64,
}

const BREAK_UNITS: f64 = 0.5;

impl Scale {
    pub fn new(years: &BTreeSet<i16>) -> Scale {
        let mut offsets = BTreeMap::new();
        let mut breaks = vec![];
        let mut units = 0.0;
        let mut prev: Option<i16> = None;
        for &y in years {
            if let Some(p) = prev {
                let gap = y - p - 1;
                if gap >= 2 {
                    breaks.push((units, p + 1, y - 1));
                    units += BREAK_UNITS;
                } else if gap == 1 {
                    offsets.insert(p + 1, units);
                    units += 1.0;
                }
            }
            offsets.insert(y, units);
            units += 1.0;
            prev = Some(y);
        }
        Scale {
            offsets,
            breaks,
            units,
        }
    }

    /// Position of a date in units.
    pub fn at(&self, d: &Date) -> f64 {
        let day = d.day;
        let frac = f64::from(day.day_of_year() - 1) / f64::from(day.days_in_year());
        self.offsets.get(&day.year()).copied().unwrap_or(0.0) + frac
    }
}

/// Units → pixels, piecewise linear: consecutive agreement dates (the knots) are
/// at least `gap` apart, and the last one at least `tail` before the axis ends
/// (room for its arcs); the rest of the width is shared in proportion to time.
pub struct Warp {
    /// (units, pixels) of each knot, from 0 to the end of the axis.
    knots: Vec<(f64, f64)>,
}

impl Warp {
    pub fn new(positions: &[f64], units: f64, width: f64, gap: f64, tail: f64) -> Warp {
        let mut us: Vec<f64> = positions
            .iter()
            .copied()
            .filter(|u| *u > 0.0 && *u < units)
            .collect();
        us.sort_by(f64::total_cmp);
        us.dedup();
        let mut pts = vec![0.0];
        pts.extend(&us);
        pts.push(units);
        // Minimum width of each segment: the gap between agreements, the tail
        // after the last one, nothing before the first.
        let n = pts.len() - 1;
        let min_w = |i: usize| -> f64 {
            if i == 0 {
                0.0
            } else if i == n - 1 {
                tail
            } else {
                gap
            }
        };
        let total_min: f64 = (0..n).map(min_w).sum();
        let shrink = if total_min > 0.8 * width {
            0.8 * width / total_min
        } else {
            1.0
        };
        let seg_w = |k: f64, i: usize| (k * (pts[i + 1] - pts[i])).max(min_w(i) * shrink);
        let f = |k: f64| (0..n).map(|i| seg_w(k, i)).sum::<f64>();
        // f grows with k: find f(k) = width by bisection (a fixed number of
        // steps, so every build draws the same chart).
        let (mut lo, mut hi) = (0.0, width / units.max(1e-9));
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if f(mid) < width {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let mut knots = vec![(0.0, 0.0)];
        let mut x = 0.0;
        for i in 0..n {
            x += seg_w(hi, i);
            knots.push((pts[i + 1], x));
        }
        Warp { knots }
    }

    /// Pixels from the start of the axis for a position in units.
    pub fn px(&self, u: f64) -> f64 {
        let i = self
            .knots
            .partition_point(|k| k.0 <= u)
            .clamp(1, self.knots.len() - 1);
        let ((u0, x0), (u1, x1)) = (self.knots[i - 1], self.knots[i]);
        if u1 <= u0 {
            return x0;
        }
        x0 + (u - u0) / (u1 - u0) * (x1 - x0)
    }

    /// Whether any stretch of time is drawn wider than its share.
    fn stretched(&self) -> bool {
        let (u_end, x_end) = self.knots[self.knots.len() - 1];
        let k = x_end / u_end.max(1e-9);
        self.knots
            .windows(2)
            .any(|w| (w[1].1 - w[0].1) > k * (w[1].0 - w[0].0) * 1.5 + 1.0)
    }
}

// Geometry, in SVG user units (1 unit ≈ 1 CSS px at full size).
const PLOT_W: f64 = 720.0;
const ROW_H: f64 = 26.0;
const TOP: f64 = 46.0;
const DOT_R: f64 = 5.0;
const FONT: f64 = 13.0;
const SMALL: f64 = 11.0;
/// Least distance between two agreement dates on the axis.
const MIN_GAP: f64 = 30.0;
/// Room after the last agreement for the arcs that leave it.
const TAIL: f64 = 70.0;
/// Widest bulge of an arc to the right of its ends.
const MAX_BULGE: f64 = 96.0;
/// Advance of one character, in ems, for laying out labels (generous, so the
/// estimate is wider than real text in the usual fonts).
pub const CHAR_EM: f64 = 0.6;
const MAX_LABEL_CHARS: usize = 30;
/// Height of the tallest bar of a strip of counts.
const BAR_MAX: f64 = 18.0;
/// Axes of at most this many units (years) count per month, wider ones per year.
const MONTHLY_UNITS: f64 = 8.0;
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Counts of dates per (year, month), or per (year, 0) when not `monthly`.
fn bin(dates: &mut dyn Iterator<Item = Date>, monthly: bool) -> BTreeMap<(i16, i8), usize> {
    let mut bins = BTreeMap::new();
    for d in dates {
        let month = if monthly { d.day.month() } else { 0 };
        *bins.entry((d.year(), month)).or_insert(0) += 1;
    }
    bins
}

/// Where a bin of [`bin`] starts and ends on the scale, in units.
fn bin_units(scale: &Scale, year: i16, month: i8) -> (f64, f64) {
    let off = scale.offsets.get(&year).copied().unwrap_or(0.0);
    let Ok(first) = jiff::civil::Date::new(year, month.max(1), 1) else {
        return (off, off + 1.0);
    };
    if month == 0 {
        return (off, off + 1.0);
    }
    let days = f64::from(first.days_in_year());
    let start = f64::from(first.day_of_year() - 1) / days;
    let end = f64::from(first.last_of_month().day_of_year()) / days;
    (off + start, off + end)
}

fn fmt(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * CHAR_EM
}

/// Draws the agreements (one row each, in date order), the relations between
/// them (an arc from the declaring agreement to the one it points to, in the
/// style of its type) and, when given, a strip counting agreements and a
/// strip of reports: a mark per report, or above [`REPORT_MARKS_MAX`] a bar
/// per month or year.
pub fn draw(a: &Archive, l: &Lanes<'_>) -> Drawing {
    let (rows, own, rels, reports) = (l.rows, l.own, l.rels, l.reports);
    let c = &a.content;
    let mut years: BTreeSet<i16> = rows
        .iter()
        .map(|&g| c.agreements[g].meta.date.year())
        .collect();
    years.extend(reports.iter().map(|&r| c.articles[r].meta.date.year()));
    years.extend(
        l.agreements
            .iter()
            .map(|&g| c.agreements[g].meta.date.year()),
    );
    let scale = Scale::new(&years);
    let count_reports = reports.len() > REPORT_MARKS_MAX;
    let counts = (count_reports || !l.agreements.is_empty()).then_some(Counts {
        // A month at least a few pixels wide, else years.
        per: if scale.units <= MONTHLY_UNITS {
            "month"
        } else {
            "year"
        },
        agreements: !l.agreements.is_empty(),
        reports: count_reports,
        most_reports: 0,
        most_agreements: 0,
    });
    let positions: Vec<f64> = rows
        .iter()
        .map(|&g| scale.at(&c.agreements[g].meta.date))
        .collect();
    let warp = Warp::new(&positions, scale.units, PLOT_W, MIN_GAP, TAIL);
    let labels: Vec<String> = rows
        .iter()
        .map(|&g| clip(&c.agreements[g].meta.short_title, MAX_LABEL_CHARS))
        .collect();
    let label_w = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(
            text_width(
                if l.agreements.is_empty() {
                    "Reports"
                } else {
                    "Agreements"
                },
                FONT,
            ),
            f64::max,
        )
        .clamp(90.0, 260.0)
        + 20.0;
    let x0 = label_w;
    let x_of = |d: &Date| x0 + warp.px(scale.at(d));
    let x_end = x0 + PLOT_W;
    let y_of = |row: usize| TOP + row as f64 * ROW_H;
    // The strips below the rows: agreements counted, then reports.
    let mut next_y = y_of(rows.len()) + 6.0;
    let mut strip = |on: bool| {
        on.then(|| {
            next_y += ROW_H;
            next_y - ROW_H
        })
    };
    let agreements_y = strip(!l.agreements.is_empty());
    let reports_y = strip(!reports.is_empty());
    let bottom = match reports_y.or(agreements_y) {
        Some(y) => y + ROW_H / 2.0,
        None => y_of(rows.len()) - ROW_H / 2.0,
    };
    let row_of: BTreeMap<usize, usize> = rows.iter().enumerate().map(|(r, &g)| (g, r)).collect();
    let title_of = |g: usize| c.agreements[g].meta.short_title.as_str();

    // Relations first, so dots sit on top of the lines. A symmetric relation
    // declared from both ends is one arc with two arrowheads.
    let mut rel_svg = String::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut drawn: BTreeSet<(usize, usize, &str)> = BTreeSet::new();
    let declared: BTreeSet<(usize, usize, &str)> = rels
        .iter()
        .map(|r| (r.from.idx, r.to.idx, r.kind.as_str()))
        .collect();
    for r in rels {
        let rt = &a.config.relation_types[&r.kind];
        if drawn.contains(&(r.to.idx, r.from.idx, r.kind.as_str())) && rt.symmetric {
            continue;
        }
        drawn.insert((r.from.idx, r.to.idx, r.kind.as_str()));
        let both_ways = rt.symmetric && declared.contains(&(r.to.idx, r.from.idx, r.kind.as_str()));
        let (fr, tr) = (row_of[&r.from.idx], row_of[&r.to.idx]);
        let (x1, y1) = (x_of(&c.agreements[r.from.idx].meta.date), y_of(fr));
        let (x2, y2) = (x_of(&c.agreements[r.to.idx].meta.date), y_of(tr));
        let dy = (y1 - y2).abs();
        let dx = (x1 - x2).abs();
        // Control points to the right of both ends: the arc clears every dot on
        // the rows between (their dates, hence x, lie between the two ends). The
        // bulge grows with the rows spanned, and shrinks in proportion where
        // the axis ends, so the arc never leaves it.
        let m = x1.max(x2);
        let want = (14.0 + (0.3 * dy).min(70.0) + (0.1 * dx).min(12.0)).min(MAX_BULGE);
        let room = (x_end - m - DOT_R).max(DOT_R * 2.0);
        let cx = m + want * (room / MAX_BULGE).min(1.0);
        // The control points lean towards the other end, more for a longer
        // arc, so arcs meeting at one dot fan out instead of sharing the
        // last stretch; each end sits on the dot's rim, along its tangent.
        let lean = (0.4 * dy).min(40.0) * if y1 > y2 { -1.0 } else { 1.0 };
        let (c1y, c2y) = (y1 + lean, y2 - lean);
        let rim = |x: f64, y: f64, towards: (f64, f64), r: f64| {
            let (vx, vy) = (towards.0 - x, towards.1 - y);
            let len = vx.hypot(vy).max(1e-9);
            (x + r * vx / len, y + r * vy / len)
        };
        let (sx, sy) = rim(x1, y1, (cx, c1y), DOT_R + if both_ways { 2.5 } else { 0.5 });
        let (ex, ey) = rim(x2, y2, (cx, c2y), DOT_R + 2.5);
        let st = style(a, &r.kind);
        used.insert(st.class.clone());
        let dash = if st.dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{}\"", st.dash)
        };
        let marker = format!("url(#tl-arrow-{})", st.class);
        let start = if both_ways {
            format!(" marker-start=\"{marker}\"")
        } else {
            String::new()
        };
        let tip = format!(
            "{} {} {}",
            title_of(r.from.idx),
            super::lower_first(&rt.label),
            title_of(r.to.idx)
        );
        let _ = write!(
            rel_svg,
            "<g class=\"tl-rel {class}\"><title>{tip}</title><path d=\"M{sx} {sy}C{cx} {c1y} {cx} {c2y} {ex} {ey}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.75\" stroke-linecap=\"round\"{dash}{start} marker-end=\"{marker}\"/></g>",
            class = st.class,
            tip = escape_html(&tip),
            sx = fmt(sx),
            sy = fmt(sy),
            cx = fmt(cx),
            c1y = fmt(c1y),
            c2y = fmt(c2y),
            ex = fmt(ex),
            ey = fmt(ey),
        );
    }
    let width = (x_end + 12.0).ceil();
    let height = (bottom + 10.0).ceil();

    let mut s = String::with_capacity(4096);
    let first = years.first().copied().unwrap_or(0);
    let last = years.last().copied().unwrap_or(0);
    let compressed: Vec<String> = scale
        .breaks
        .iter()
        .map(|&(_, p, q)| format!("{p}–{q}"))
        .collect();
    let title = if first == last {
        format!("Agreements of {first} and the relations between them")
    } else {
        format!("Agreements from {first} to {last} and the relations between them")
    };
    let mut desc = if l.agreements.is_empty() {
        format!(
            "A time axis from {first} to {last}, left to right, with one row per agreement in date order ({}).",
            plural(rows.len(), "agreement", "agreements"),
        )
    } else {
        format!(
            "A time axis from {first} to {last}, left to right. {} are counted per {} in the row labelled Agreements; {} in a relation {}, in date order.",
            plural(l.agreements.len(), "agreement", "agreements"),
            counts.as_ref().map_or("year", |c| c.per),
            plural(rows.len(), "agreement", "agreements"),
            if rows.len() == 1 { "has a row" } else { "have a row each" },
        )
    };
    let _ = write!(
        desc,
        " {} drawn as arcs from the agreement that declares the relation to the one it points to, each in the colour and dash pattern of its relation type.",
        if rels.len() == 1 { "One relation is".to_string() } else { format!("{} relations are", rels.len()) },
    );
    if rows.iter().any(|g| !own.contains(g)) {
        desc.push_str(" Agreements drawn faint are shown only because a relation leads to them.");
    }
    if count_reports {
        let _ = write!(
            desc,
            " The bottom row counts {} per {}, a bar each.",
            plural(reports.len(), "report", "reports"),
            counts.as_ref().map_or("year", |c| c.per),
        );
    } else if !reports.is_empty() {
        let _ = write!(
            desc,
            " The bottom row marks {} by date.",
            plural(reports.len(), "report", "reports")
        );
    }
    if !compressed.is_empty() {
        let _ = write!(
            desc,
            " Years without entries ({}) are drawn compressed.",
            compressed.join(", ")
        );
    }
    desc.push_str(" The same information follows as a list.");
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tl-svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"group\" aria-labelledby=\"tl-svg-title\" aria-describedby=\"tl-svg-desc\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif\" font-size=\"{FONT}\" fill=\"currentColor\">",
        w = fmt(width),
        h = fmt(height),
    );
    let _ = write!(
        s,
        "<title id=\"tl-svg-title\">{}</title><desc id=\"tl-svg-desc\">{}</desc>",
        escape_html(&title),
        escape_html(&desc)
    );
    s.push_str("<defs>");
    for class in &used {
        let _ = write!(
            s,
            "<marker id=\"tl-arrow-{class}\" class=\"{class}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"currentColor\"/></marker>"
        );
    }
    s.push_str("</defs>");

    // Year ticks, labels and breaks; a label that would touch the one before
    // it is left out (its tick stays).
    let axis_y = TOP - ROW_H / 2.0 - 4.0;
    let ty = axis_y - 4.0;
    s.push_str("<g class=\"tl-axis\">");
    let mut marks: Vec<(f64, String, &str)> = vec![];
    for (&y, &off) in &scale.offsets {
        let x = x0 + warp.px(off);
        let _ = write!(
            s,
            "<line x1=\"{x}\" y1=\"{axis_y}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"currentColor\" stroke-opacity=\"0.25\"/>",
            x = fmt(x),
            axis_y = fmt(axis_y),
            bottom = fmt(bottom),
        );
        marks.push((x + 3.0, y.to_string(), "start"));
    }
    let _ = write!(
        s,
        "<line x1=\"{end_x}\" y1=\"{ay}\" x2=\"{end_x}\" y2=\"{b}\" stroke=\"currentColor\" stroke-opacity=\"0.25\"/><line x1=\"{x0}\" y1=\"{ay}\" x2=\"{end_x}\" y2=\"{ay}\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/>",
        end_x = fmt(x_end),
        ay = fmt(axis_y),
        b = fmt(bottom),
        x0 = fmt(x0),
    );
    for &(off, _, _) in &scale.breaks {
        let (bx0, bx1) = (x0 + warp.px(off), x0 + warp.px(off + BREAK_UNITS));
        let _ = write!(
            s,
            "<rect class=\"tl-break\" x=\"{bx}\" y=\"{by}\" width=\"{bw}\" height=\"{bh}\" fill=\"currentColor\" fill-opacity=\"0.06\"/>",
            bx = fmt(bx0 + 1.0),
            by = fmt(axis_y),
            bw = fmt((bx1 - bx0 - 2.0).max(1.0)),
            bh = fmt(bottom - axis_y),
        );
        marks.push((
            (bx0 + bx1) / 2.0 - text_width("…", SMALL) / 2.0,
            "…".into(),
            "break",
        ));
    }
    marks.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut free_from = f64::MIN;
    for (x, text, kind) in marks {
        if x < free_from || x + text_width(&text, SMALL) > x_end + 10.0 {
            continue;
        }
        free_from = x + text_width(&text, SMALL) + 4.0;
        let _ = write!(
            s,
            "<text{class} x=\"{x}\" y=\"{ty}\" font-size=\"{SMALL}\">{text}</text>",
            class = if kind == "break" {
                " class=\"tl-break-mark\""
            } else {
                ""
            },
            x = fmt(x),
            ty = fmt(ty),
        );
    }
    s.push_str("</g>");

    s.push_str(&rel_svg);

    // One row per agreement: a guide, the label and the dot, linked to its page.
    // The links are for pointer users (keyboard users get the same links in the
    // list that follows, so tabindex -1 keeps them out of the tab order); each
    // has its own accessible name.
    for (row, &g) in rows.iter().enumerate() {
        let e = &c.agreements[g];
        let y = y_of(row);
        let x = x_of(&e.meta.date);
        let class = if own.contains(&g) {
            "tl-row"
        } else {
            "tl-row tl-context"
        };
        let faint = if own.contains(&g) {
            ""
        } else {
            " fill-opacity=\"0.55\""
        };
        let _ = write!(
            s,
            "<g class=\"{class}\"{faint}><line class=\"tl-guide\" x1=\"{gx}\" y1=\"{y}\" x2=\"{dx}\" y2=\"{y}\" stroke=\"currentColor\" stroke-opacity=\"0.2\" stroke-dasharray=\"2 3\"/><a href=\"{href}\" tabindex=\"-1\" aria-label=\"{tip}\"><title>{tip}</title><text x=\"{tx}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"end\">{label}</text><circle cx=\"{cx}\" cy=\"{y}\" r=\"{DOT_R}\"/></a></g>",
            gx = fmt(x0 - 4.0),
            dx = fmt(x - DOT_R),
            y = fmt(y),
            href = escape_html(&a.urls.path(&paths::agreement(&e.slug))),
            // The name starts with the words shown, as speech input expects.
            tip = escape_html(&format!(
                "{}: {} ({})",
                labels[row],
                e.meta.title,
                e.meta.date.iso()
            )),
            tx = fmt(x0 - 8.0),
            label = escape_html(&labels[row]),
            cx = fmt(x),
        );
    }

    // The strips of counts.
    let mut counts = counts;
    let monthly = counts.as_ref().is_some_and(|c| c.per == "month");
    let bars = |s: &mut String,
                label: &str,
                noun: (&str, &str),
                y: f64,
                dates: &mut dyn Iterator<Item = Date>|
     -> usize {
        let bins = bin(dates, monthly);
        let most = bins.values().copied().max().unwrap_or(0);
        let _ = write!(
            s,
            "<g class=\"tl-counts\"><text x=\"{tx}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"end\" font-style=\"italic\">{label}</text>",
            tx = fmt(x0 - 8.0),
            y = fmt(y),
        );
        let base = y + BAR_MAX / 2.0;
        for (&(year, month), &n) in &bins {
            let (u0, u1) = bin_units(&scale, year, month);
            let (bx0, bx1) = (x0 + warp.px(u0), x0 + warp.px(u1));
            let h = (BAR_MAX * n as f64 / most.max(1) as f64).max(2.0);
            let when = match month {
                0 => year.to_string(),
                m => format!("{} {year}", MONTHS[(m as usize).saturating_sub(1) % 12]),
            };
            let tip = format!("{when}: {}", plural(n, noun.0, noun.1));
            let _ = write!(
                s,
                "<a href=\"{href}\" tabindex=\"-1\" aria-label=\"{tip}\"><title>{tip}</title><rect x=\"{rx}\" y=\"{ry}\" width=\"{rw}\" height=\"{rh}\" fill-opacity=\"0.6\"/></a>",
                href = escape_html(&(l.year_href)(year)),
                tip = escape_html(&tip),
                rx = fmt(bx0 + 0.5),
                ry = fmt(base - h),
                rw = fmt((bx1 - bx0 - 1.0).max(1.0)),
                rh = fmt(h),
            );
        }
        s.push_str("</g>");
        most
    };
    if let Some(y) = agreements_y {
        let most = bars(
            &mut s,
            "Agreements",
            ("agreement", "agreements"),
            y,
            &mut l.agreements.iter().map(|&g| c.agreements[g].meta.date),
        );
        if let Some(c) = counts.as_mut() {
            c.most_agreements = most;
        }
    }
    if let (Some(y), true) = (reports_y, count_reports) {
        let most = bars(
            &mut s,
            "Reports",
            ("report", "reports"),
            y,
            &mut reports.iter().map(|&r| c.articles[r].meta.date),
        );
        if let Some(c) = counts.as_mut() {
            c.most_reports = most;
        }
    }

    // The reports strip, a mark per report.
    if let (Some(strip_y), false) = (reports_y, count_reports) {
        let _ = write!(
            s,
            "<g class=\"tl-reports\"><text x=\"{tx}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"end\" font-style=\"italic\">Reports</text>",
            tx = fmt(x0 - 8.0),
            y = fmt(strip_y),
        );
        for &r in reports {
            let e = &c.articles[r];
            let x = x_of(&e.meta.date);
            let _ = write!(
                s,
                "<a href=\"{href}\" tabindex=\"-1\" aria-label=\"{tip}\"><title>{tip}</title><rect x=\"{rx}\" y=\"{ry}\" width=\"4\" height=\"14\" fill-opacity=\"0.6\"/></a>",
                href = escape_html(&a.urls.path(&paths::article(&e.slug))),
                tip = escape_html(&format!("{} ({}, {})", e.meta.title, e.meta.source.publisher, e.meta.date.iso())),
                rx = fmt(x - 2.0),
                ry = fmt(strip_y - 7.0),
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    Drawing {
        svg: s,
        counts,
        compressed,
        stretched: warp.stretched(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_compresses_long_gaps_only() {
        let years: BTreeSet<i16> = [2001, 2015, 2017].into_iter().collect();
        let s = Scale::new(&years);
        assert_eq!(s.breaks.len(), 1);
        assert_eq!((s.breaks[0].1, s.breaks[0].2), (2002, 2014));
        // 2016 is a one-year gap: kept at full width.
        assert_eq!(s.offsets.get(&2016), Some(&2.5));
        assert_eq!(s.units, 4.5);
    }

    #[test]
    fn warp_spreads_crowded_dates_and_keeps_room_at_the_end() {
        // Four dates within a tenth of a unit, one far away, on 4 units.
        let w = Warp::new(&[1.0, 1.02, 1.05, 1.1, 3.9], 4.0, 400.0, 30.0, 50.0);
        let xs: Vec<f64> = [1.0, 1.02, 1.05, 1.1, 3.9]
            .iter()
            .map(|&u| w.px(u))
            .collect();
        for p in xs.windows(2) {
            assert!(p[1] - p[0] >= 30.0 - 1e-6, "{xs:?}");
        }
        assert!(
            400.0 - xs[4] >= 50.0 - 1e-6,
            "room for arcs after the last date"
        );
        assert!((w.px(4.0) - 400.0).abs() < 1e-6, "the axis keeps its width");
        assert_eq!(w.px(0.0), 0.0);
        // Monotone everywhere.
        let mut prev = -1.0;
        for i in 0..=400 {
            let x = w.px(f64::from(i) / 100.0);
            assert!(x >= prev);
            prev = x;
        }
        assert!(w.stretched());
    }

    #[test]
    fn clip_long_labels() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abcdef", 5), "abcd…");
    }
}
