//! Markdown: every link and image URL checked against the allow-list, and
//! links to other files (wiki links, root-relative paths) turned into
//! placeholders for resolve to fill.

use super::*;

/// What became of an opened link.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Opened {
    /// Left to pulldown-cmark (an allowed external, mailto or fragment link).
    Kept,
    /// Replaced by a placeholder anchor; its end becomes `</a>`.
    Placeholder,
    /// Refused: start and end removed, the text stays.
    Dropped,
}

/// Checks every link and image URL against the allow-list, and replaces wiki
/// links, root-relative links and images with placeholder anchors.
pub(super) fn rewrite_links(
    events: &mut Vec<(Event<'_>, Range<usize>)>,
    origin: &Origin<'_>,
    links: &mut Vec<LinkRef>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut i = 0;
    let mut open: Vec<Opened> = vec![];
    while i < events.len() {
        let range = events[i].1.clone();
        match &events[i].0 {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let by_reference = is_reference(*link_type);
                let title = title.to_string();
                let dest = dest_url.to_string();
                // The alt text: the image's inner text, as pulldown-cmark writes it.
                let mut j = i + 1;
                let mut depth = 0;
                let mut alt = String::new();
                while j < events.len() {
                    match &events[j].0 {
                        Event::Start(Tag::Image { .. }) => depth += 1,
                        Event::End(TagEnd::Image) if depth == 0 => break,
                        Event::End(TagEnd::Image) => depth -= 1,
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        Event::SoftBreak | Event::HardBreak => alt.push(' '),
                        _ => {}
                    }
                    j += 1;
                }
                let html = match check_url(&dest, UrlUse::Image) {
                    Ok(UrlKind::SitePath(path)) => {
                        let n = links.len();
                        links.push(LinkRef {
                            target: path,
                            fragment: None,
                            kind: LinkKind::Asset,
                            offset: origin.locate(range.clone()),
                        });
                        let mut img =
                            format!("<img src=\"\0H{n}\0\" alt=\"{}\"", escape_html(&alt));
                        if !title.is_empty() {
                            let _ = write!(img, " title=\"{}\"", escape_html(&title));
                        }
                        img.push('>');
                        img
                    }
                    Ok(_) => String::new(),
                    Err(p) => {
                        // A reference definition refused as a link was reported
                        // there; one allowed as a link but not as an image is
                        // reported here.
                        if !by_reference || check_url(&dest, UrlUse::Link).is_ok() {
                            let delta = dest_delta(origin.snippet(range.clone()));
                            diags.push(
                                origin
                                    .error(range.clone(), delta, p.message)
                                    .with_hint(p.hint),
                            );
                        }
                        String::new()
                    }
                };
                let end = j.min(events.len() - 1);
                events.splice(i..=end, [(Event::InlineHtml(html.into()), range)]);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let wiki = match link_type {
                    LinkType::WikiLink { has_pothole } => Some(*has_pothole),
                    _ => None,
                };
                let dest = dest_url.to_string();
                let mut is_path = false;
                if wiki.is_none() {
                    let checked = if *link_type == LinkType::Email {
                        check_url(&format!("mailto:{dest}"), UrlUse::Link)
                    } else {
                        check_url(&dest, UrlUse::Link)
                    };
                    match checked {
                        Ok(UrlKind::SitePath(_)) => is_path = true,
                        Ok(_) => {
                            open.push(Opened::Kept);
                            i += 1;
                            continue;
                        }
                        Err(p) => {
                            if !is_reference(*link_type) {
                                let snippet = origin.snippet(range.clone());
                                let delta = match link_type {
                                    LinkType::Autolink | LinkType::Email => 1,
                                    _ => dest_delta(snippet),
                                };
                                diags.push(
                                    origin
                                        .error(range.clone(), delta, p.message)
                                        .with_hint(p.hint),
                                );
                            }
                            events[i].0 = Event::InlineHtml("".into());
                            open.push(Opened::Dropped);
                            i += 1;
                            continue;
                        }
                    }
                }
                debug_assert!(wiki.is_some() || is_path);
                let (target, fragment) = match dest.split_once('#') {
                    Some((t, f)) => (t.to_string(), Some(f.to_string())),
                    None => (dest.clone(), None),
                };
                if wiki.is_some() && target.trim().is_empty() {
                    diags.push(
                        origin
                            .error(range.clone(), 0, "wiki link has no target")
                            .with_hint("write [[slug]] or [[slug|text]]"),
                    );
                }
                let n = links.len();
                links.push(LinkRef {
                    target: target.trim().to_string(),
                    fragment,
                    kind: match wiki {
                        Some(has_text) => LinkKind::Wiki { has_text },
                        None => LinkKind::Path,
                    },
                    offset: origin.locate(range.clone()),
                });
                let mut a = format!("<a href=\"\0H{n}\0\"");
                if !title.is_empty() {
                    let _ = write!(a, " title=\"{}\"", escape_html(title));
                }
                a.push('>');
                events[i].0 = Event::InlineHtml(a.into());
                open.push(Opened::Placeholder);
                if wiki == Some(false) {
                    // Drop the slug text; the target's title goes there.
                    let mut j = i + 1;
                    while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Link)) {
                        j += 1;
                    }
                    events.splice(
                        i + 1..j,
                        [(Event::InlineHtml(format!("\0T{n}\0").into()), range.clone())],
                    );
                }
            }
            Event::End(TagEnd::Link) => match open.pop() {
                Some(Opened::Placeholder) => events[i].0 = Event::InlineHtml("</a>".into()),
                Some(Opened::Dropped) => events[i].0 = Event::InlineHtml("".into()),
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
}

/// Where the destination of an inline link or image starts in its source
/// (after `](`, spaces and a `<`), or 0.
pub(super) fn dest_delta(snippet: &str) -> usize {
    snippet.find("](").map_or(0, |k| {
        let rest = &snippet[k + 2..];
        let dest = rest.trim_start().trim_start_matches('<');
        k + 2 + rest.len() - dest.len()
    })
}

/// Links and images that take their URL from a reference definition, which
/// [`check_reference_definitions`] has reported already.
pub(super) fn is_reference(t: LinkType) -> bool {
    matches!(
        t,
        LinkType::Reference
            | LinkType::ReferenceUnknown
            | LinkType::Collapsed
            | LinkType::CollapsedUnknown
            | LinkType::Shortcut
            | LinkType::ShortcutUnknown
    )
}

/// Character references decode to any character (`&#1;`, `&#x2;`): the
/// control characters among them are errors, as in the file itself, and are
/// replaced, so none reaches a page or stands in for an internal mark.
pub(super) fn check_decoded_controls(
    events: &mut [(Event<'_>, Range<usize>)],
    origin: &Origin<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    for (e, range) in events.iter_mut() {
        let (Event::Text(t) | Event::Code(t)) = e else {
            continue;
        };
        let Some((_, c)) = crate::allow::find_forbidden_control(t) else {
            continue;
        };
        let snippet = origin.snippet(range.clone());
        let delta = snippet.find("&#").unwrap_or(0);
        diags.push(
            origin
                .error(
                    range.clone(),
                    delta,
                    format!(
                        "a character reference writes the control character {}",
                        crate::allow::control_name(c)
                    ),
                )
                .with_hint("remove it: text may not contain control characters"),
        );
        let cleaned: String = t
            .chars()
            .map(|c| {
                if crate::allow::is_forbidden_control(c) {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        *t = cleaned.into();
    }
}
