//! `show REFID`: a cable as a person reads it — metadata, recipients, tags, markings,
//! references (marking those in the archive), then the numbered paragraphs under their
//! headings.

use rusqlite::{Connection, OptionalExtension};
use std::io::Write;

/// Words into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

pub fn run(conn: &Connection, reference_id: &str, out: &mut impl Write) -> anyhow::Result<()> {
    let id = crate::parse::canonical_id(reference_id);
    let row = conn
        .query_row(
            "SELECT id, reference_id, published_id, created_at, sent_at, released_at,
                    classification, origin, sender, precedence, date_time_group, subject,
                    section_count, declassify_on, declassify_raw, classified_by,
                    classification_reasons, signer, summary, source_format, source_path
             FROM cables WHERE reference_id = ?1",
            [&id],
            |r| {
                let mut v = Vec::new();
                for i in 1..21 {
                    v.push(r.get::<_, Option<String>>(i).or_else(|_| {
                        r.get::<_, Option<i64>>(i).map(|n| n.map(|n| n.to_string()))
                    })?);
                }
                Ok((r.get::<_, i64>(0)?, v))
            },
        )
        .optional()?;
    let Some((cable_id, v)) = row else {
        anyhow::bail!("{id}: no such cable in this archive");
    };
    let field = |i: usize| v[i - 1].clone().unwrap_or_default();
    writeln!(out, "{}  {}", field(1), field(11))?;
    writeln!(
        out,
        "{}",
        "=".repeat(field(1).len() + 2 + field(11).chars().count())
            .chars()
            .take(100)
            .collect::<String>()
    )?;
    let meta = [
        ("Published id", 2),
        ("Created", 3),
        ("Sent (DTG)", 4),
        ("Released", 5),
        ("Classification", 6),
        ("Origin", 7),
        ("From", 8),
        ("Precedence", 9),
        ("Date-time group", 10),
        ("Sections", 12),
        ("Declassify on", 13),
        ("Declassify", 14),
        ("Classified by", 15),
        ("Reasons", 16),
        ("Signer", 17),
    ];
    for (label, i) in meta {
        let value = field(i);
        let same_as_id = i == 2 && value == field(1);
        if !value.trim().is_empty() && !same_as_id {
            writeln!(out, "{label:<16} {value}")?;
        }
    }

    let list = |sql: &str| -> anyhow::Result<Vec<Vec<Option<String>>>> {
        let mut st = conn.prepare(sql)?;
        let n = st.column_count();
        let rows = st.query_map([cable_id], |r| {
            (0..n)
                .map(|i| {
                    r.get::<_, Option<String>>(i)
                        .or_else(|_| r.get::<_, Option<i64>>(i).map(|x| x.map(|x| x.to_string())))
                })
                .collect()
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let s = |x: &Option<String>| x.clone().unwrap_or_default();

    // Every file or CSV row this cable was read from, the one its rows come from first; paths
    // under the current directory are shown relative to it.
    let sources = list(&format!(
        "SELECT source_format, source_path, source_row,
            content_sha256 = (SELECT content_sha256 FROM cables WHERE id = ?1) AS current
         FROM cable_sources WHERE cable_id = ?1
         ORDER BY current DESC, {} DESC, source_path, source_row",
        crate::store::RANK_SQL
    ))?;
    if !sources.is_empty() {
        let here = std::env::current_dir().ok();
        writeln!(out, "\nSources")?;
        for r in &sources {
            let path = s(&r[1]);
            let shown = here
                .as_ref()
                .and_then(|h| std::path::Path::new(&path).strip_prefix(h).ok())
                .map_or(path.clone(), |p| p.display().to_string());
            let row = match s(&r[2]).as_str() {
                "0" => String::new(),
                n => format!(" row {n}"),
            };
            let older = match s(&r[3]).as_str() {
                "1" => "",
                _ => " (an older version)",
            };
            writeln!(out, "  {:<9} {shown}{row}{older}", s(&r[0]))?;
        }
    }

    let recipients = list("SELECT kind, route, name, precedence, mcn FROM recipients WHERE cable_id = ?1 ORDER BY position")?;
    if !recipients.is_empty() {
        writeln!(out, "\nRecipients")?;
        for r in &recipients {
            let route = r[1].as_deref().map_or(String::new(), |x| format!("{x}/"));
            let extra: Vec<String> = [&r[3], &r[4]].iter().filter_map(|x| (*x).clone()).collect();
            writeln!(
                out,
                "  {:<4} {route}{} {}",
                s(&r[0]).to_uppercase(),
                s(&r[2]),
                extra.join(" ")
            )?;
        }
    }
    let tags = list("SELECT t.code, t.kind, t.description FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.cable_id = ?1 ORDER BY ct.position")?;
    if !tags.is_empty() {
        writeln!(out, "\nTags")?;
        for t in &tags {
            let desc = t[2].as_deref().map_or(String::new(), |d| format!(" — {d}"));
            writeln!(out, "  {:<6} {}{desc}", s(&t[0]), s(&t[1]))?;
        }
    }
    let markings = list("SELECT marking, detail FROM markings WHERE cable_id = ?1 ORDER BY id")?;
    if !markings.is_empty() {
        writeln!(out, "\nMarkings")?;
        for m in &markings {
            let detail = m[1].as_deref().map_or(String::new(), |d| format!(": {d}"));
            writeln!(out, "  {}{detail}", s(&m[0]))?;
        }
    }
    let refs = list(
        "SELECT r.bullet, r.text, r.kind, r.target_reference_id, t.reference_id IS NOT NULL
         FROM cable_references r LEFT JOIN cables t ON t.reference_id = r.target_reference_id
         WHERE r.cable_id = ?1 ORDER BY r.position",
    )?;
    if !refs.is_empty() {
        writeln!(out, "\nReferences")?;
        for r in &refs {
            let bullet = r[0].as_deref().map_or(String::new(), |b| format!("{b}. "));
            let target = match (&r[3], r[4].as_deref()) {
                (Some(t), Some("1")) => format!("  -> {t} (in this archive)"),
                (Some(t), _) => format!("  -> {t}"),
                _ => String::new(),
            };
            writeln!(out, "  {bullet}{} [{}]{target}", s(&r[1]), s(&r[2]))?;
        }
    }
    if !field(18).is_empty() {
        writeln!(out, "\nSummary")?;
        for line in wrap(&field(18), 92) {
            writeln!(out, "  {line}")?;
        }
    }
    let paragraphs = list("SELECT number, marking, heading, text FROM paragraphs WHERE cable_id = ?1 ORDER BY position")?;
    writeln!(out, "\nText")?;
    let mut heading: Option<String> = None;
    for p in &paragraphs {
        if p[2] != heading {
            if let Some(h) = &p[2] {
                writeln!(out, "\n  -- {h} --")?;
            }
            heading = p[2].clone();
        }
        let number = p[0].as_deref().map_or(String::new(), |n| format!("{n}. "));
        let marking = p[1].as_deref().map_or(String::new(), |m| format!("({m}) "));
        writeln!(out)?;
        let mut lines = s(&p[3])
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>()
            .into_iter();
        writeln!(
            out,
            "  {number}{marking}{}",
            lines.next().unwrap_or_default()
        )?;
        for l in lines {
            writeln!(out, "  {l}")?;
        }
    }
    if !field(17).is_empty() {
        writeln!(out, "\n  {}", field(17))?;
    }
    Ok(())
}
