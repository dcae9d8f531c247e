//! Small charts as inline SVG, drawn on the server: they print sharp, need
//! no script and no chart library, and read the same in the report.

use maud::{Markup, html};

/// One bar: its label, its value and the text written after it.
pub struct Bar {
    /// What it is.
    pub label: String,
    /// Its length, from 0 to the chart's maximum.
    pub value: f64,
    /// What is written at its end.
    pub text: String,
}

/// A horizontal bar chart; `max` is the value of a full bar.
pub fn bars(title: &str, bars: &[Bar], max: f64) -> Markup {
    let row = 26.0;
    let label_width = 190.0;
    let bar_width = 330.0;
    let height = row * bars.len() as f64 + 4.0;
    let max = if max > 0.0 { max } else { 1.0 };
    html! {
        svg.chart role="img" aria-label=(title) viewBox=(format!("0 0 600 {height}"))
            width="600" height=(height) xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @for (i, bar) in bars.iter().enumerate() {
                @let y = i as f64 * row + 2.0;
                @let w = (bar.value / max).clamp(0.0, 1.0) * bar_width;
                text x=(label_width - 8.0) y=(y + 17.0) text-anchor="end" { (truncate(&bar.label, 28)) }
                rect.track x=(label_width) y=(y + 3.0) width=(bar_width) height="18" rx="3" {}
                rect.bar x=(label_width) y=(y + 3.0) width=(format!("{w:.1}")) height="18" rx="3" {}
                text x=(label_width + bar_width + 8.0) y=(y + 17.0) { (bar.text) }
            }
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
