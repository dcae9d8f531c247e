//! The sector map: neighbourhoods and buildings drawn as SVG on the server,
//! so the page works without script and without map tiles (no network
//! needed beyond Palier's own server). `assets/office.js` adds click and
//! lasso selection on top of it.

use maud::{Markup, html};
use shared::domain::{Building, Neighbourhood, Point};

const WIDTH: f64 = 1000.0;

/// Lon/lat to SVG coordinates: an equirectangular projection scaled by
/// the cosine of the latitude, which is true enough over a town.
struct Projection {
    west: f64,
    north: f64,
    scale: f64,
    x_factor: f64,
    height: f64,
}

impl Projection {
    fn fit(points: impl Iterator<Item = Point>) -> Self {
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in points {
            w = w.min(p.lon);
            e = e.max(p.lon);
            s = s.min(p.lat);
            n = n.max(p.lat);
        }
        if w > e {
            (w, s, e, n) = (0.0, 0.0, 1.0, 1.0);
        }
        let x_factor = ((s + n) / 2.0).to_radians().cos().max(0.1);
        let span_x = ((e - w) * x_factor).max(1e-4);
        let span_y = (n - s).max(1e-4);
        let margin = 0.04;
        let scale = WIDTH * (1.0 - 2.0 * margin) / span_x.max(span_y * 1.2);
        let height = (span_y * scale / (1.0 - 2.0 * margin)).max(300.0);
        Projection {
            west: w - margin * WIDTH / scale / x_factor,
            north: n + margin * height / scale,
            scale,
            x_factor,
            height,
        }
    }

    fn xy(&self, p: Point) -> (f64, f64) {
        (
            (p.lon - self.west) * self.x_factor * self.scale,
            (self.north - p.lat) * self.scale,
        )
    }
}

/// How a building is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// In the sector being edited.
    Selected,
    /// In another sector of the campaign.
    Taken,
    /// In no sector yet.
    Free,
}

/// The map, with one circle per building (`data-id` its id).
pub fn map(
    neighbourhoods: &[&Neighbourhood],
    buildings: &[(&Building, Mark)],
    label: &str,
) -> Markup {
    let projection = Projection::fit(
        buildings.iter().map(|(b, _)| b.location).chain(
            neighbourhoods
                .iter()
                .flat_map(|n| n.polygons.iter().flatten().flatten().copied()),
        ),
    );
    let path = |n: &Neighbourhood| outline(&projection, n);
    html! {
        svg.map viewBox=(format!("0 0 {WIDTH} {:.0}", projection.height)) role="group" aria-label=(label) {
            @for n in neighbourhoods {
                path.neighbourhood d=(path(n)) fill-rule="evenodd" { title { (n.name) } }
            }
            @for n in neighbourhoods {
                @if let Some((x, y)) = label_at(&projection, n) {
                    text.label x=(format!("{x:.1}")) y=(format!("{y:.1}")) text-anchor="middle" { (n.name) }
                }
            }
            @for (b, mark) in buildings {
                @let (x, y) = projection.xy(b.location);
                circle class=(match mark { Mark::Selected => "b selected", Mark::Taken => "b taken", Mark::Free => "b" })
                    data-id=(b.id) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="7" {
                    title { (b.address) " · " (b.dwelling_count()) }
                }
            }
        }
    }
}

/// A neighbourhood's rings as an SVG path.
fn outline(projection: &Projection, n: &Neighbourhood) -> String {
    let mut d = String::new();
    for ring in n.polygons.iter().flatten() {
        for (i, p) in ring.iter().enumerate() {
            let (x, y) = projection.xy(*p);
            d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
        }
        d.push('Z');
    }
    d
}

/// Where a neighbourhood's name goes: centred, near the top of its outline.
fn label_at(projection: &Projection, n: &Neighbourhood) -> Option<(f64, f64)> {
    let outline = n.polygons.first()?.first()?;
    let (mut w, mut e, mut top) = (f64::MAX, f64::MIN, f64::MAX);
    for p in outline {
        let (x, y) = projection.xy(*p);
        w = w.min(x);
        e = e.max(x);
        top = top.min(y);
    }
    Some(((w + e) / 2.0, top + 22.0))
}

/// The coverage bins of the results map, lowest first: a shape's class is
/// `c0` … `c4` (no door: `cn`).
pub const COVERAGE_BINS: [f64; 4] = [1.0, 25.0, 50.0, 75.0];

/// The class of a coverage (percent), for the colour scale.
pub fn coverage_class(coverage: Option<f64>) -> &'static str {
    match coverage {
        None => "cn",
        Some(c) if c < COVERAGE_BINS[0] => "c0",
        Some(c) if c < COVERAGE_BINS[1] => "c1",
        Some(c) if c < COVERAGE_BINS[2] => "c2",
        Some(c) if c < COVERAGE_BINS[3] => "c3",
        Some(_) => "c4",
    }
}

/// A shape of the results map: its coverage and what hovering or tapping it
/// tells.
pub struct Shaded<'a, T> {
    /// The neighbourhood or building.
    pub item: &'a T,
    /// Its coverage, in percent.
    pub coverage: Option<f64>,
    /// Its figures, in words.
    pub info: String,
}

/// The results map: neighbourhoods and buildings coloured by coverage,
/// each with its figures as a tooltip (hover) and in `data-info` (the
/// page's script shows it on tap or keyboard focus).
pub fn coverage_map(
    neighbourhoods: &[Shaded<'_, Neighbourhood>],
    buildings: &[Shaded<'_, (Point, String)>],
    label: &str,
) -> Markup {
    let projection = Projection::fit(
        buildings.iter().map(|b| b.item.0).chain(
            neighbourhoods
                .iter()
                .flat_map(|n| n.item.polygons.iter().flatten().flatten().copied()),
        ),
    );
    let path = |n: &Neighbourhood| outline(&projection, n);
    html! {
        svg.map.results viewBox=(format!("0 0 {WIDTH} {:.0}", projection.height)) role="group" aria-label=(label) {
            @for n in neighbourhoods {
                path class=(format!("area {}", coverage_class(n.coverage))) d=(path(n.item)) fill-rule="evenodd"
                    tabindex="0" data-info=(n.info) { title { (n.info) } }
            }
            @for n in neighbourhoods {
                @if let Some((x, y)) = label_at(&projection, n.item) {
                    text.label x=(format!("{x:.1}")) y=(format!("{y:.1}")) text-anchor="middle" { (n.item.name) }
                }
            }
            @for b in buildings {
                @let (x, y) = projection.xy(b.item.0);
                circle class=(format!("bc {}", coverage_class(b.coverage))) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="8"
                    tabindex="0" data-info=(b.info) { title { (b.info) } }
            }
        }
    }
}

/// A point of the ideas map: where, its class (for its colour) and what
/// hovering or tapping it tells.
pub struct Pin {
    /// Where.
    pub at: Point,
    /// Its CSS class.
    pub class: String,
    /// Its text.
    pub info: String,
    /// How many ideas it stands for.
    pub count: usize,
}

/// Neighbourhoods and one pin per idea.
pub fn pins_map(neighbourhoods: &[Neighbourhood], pins: &[Pin], label: &str) -> Markup {
    let projection = Projection::fit(
        pins.iter().map(|p| p.at).chain(
            neighbourhoods
                .iter()
                .flat_map(|n| n.polygons.iter().flatten().flatten().copied()),
        ),
    );
    html! {
        svg.map.pins viewBox=(format!("0 0 {WIDTH} {:.0}", projection.height)) role="group" aria-label=(label) {
            @for n in neighbourhoods {
                path.neighbourhood d=(outline(&projection, n)) fill-rule="evenodd" { title { (n.name) } }
            }
            @for n in neighbourhoods {
                @if let Some((x, y)) = label_at(&projection, n) {
                    text.label x=(format!("{x:.1}")) y=(format!("{y:.1}")) text-anchor="middle" { (n.name) }
                }
            }
            @for p in pins {
                @let (x, y) = projection.xy(p.at);
                @let r = 9.0 + 3.0 * (p.count as f64).sqrt();
                g.pin tabindex="0" data-info=(p.info) {
                    title { (p.info) }
                    circle class=(p.class) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r=(format!("{r:.1}")) {}
                    @if p.count > 1 {
                        text.count x=(format!("{x:.1}")) y=(format!("{:.1}", y + 5.0)) text-anchor="middle" { (p.count) }
                    }
                }
            }
        }
    }
}
